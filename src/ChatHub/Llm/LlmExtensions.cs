using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatHub.Llm;

public static class LlmExtensions
{
    /// <summary>
    /// The model behind <see cref="IChatClient"/>: the OpenAI-compatible endpoint in <c>Llm:Endpoint</c>
    /// behind retries, a first-token limit and a circuit breaker, or the simulated model when it is unset.
    /// Also <see cref="PromptBuilder"/> and <see cref="TimeProvider"/>.
    /// </summary>
    public static WebApplicationBuilder AddLlm(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PromptBuilder>();
        // Chosen when first resolved rather than now, so configuration added later (e.g. by a test host) counts.
        services.AddChatClient(CreateModel).UseLogging();
        services.AddHostedService<LlmStartupLog>();
        return builder;
    }

    private static IChatClient CreateModel(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<LlmOptions>>().Value;
        var timeProvider = services.GetRequiredService<TimeProvider>();
        return string.IsNullOrWhiteSpace(options.Endpoint)
            ? new SimulatedChatClient(options.Simulated, timeProvider)
            : new ResilientChatClient(OpenAiModel.Create(options), options, timeProvider, services.GetRequiredService<ILogger<ResilientChatClient>>());
    }
}
