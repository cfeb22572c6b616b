using System.Text.Json;
using ChatHub.Contracts;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ChatHub.Llm;

public static class LlmExtensions
{
    /// <summary>
    /// The models: <see cref="ModelProfiles"/>, one per profile, each an OpenAI-compatible endpoint behind retries, a
    /// first-token limit and a circuit breaker of its own, or the simulated model when it has no endpoint. The default
    /// profile is also the <see cref="IChatClient"/>. Also <see cref="PromptBuilder"/>, <see cref="TimeProvider"/> and
    /// the <c>models</c> health check.
    /// </summary>
    public static WebApplicationBuilder AddLlm(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LlmOptions>().BindConfiguration(LlmOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PromptBuilder>();
        // Built when first resolved rather than now, so configuration added later (e.g. by a test host) counts.
        services.AddSingleton<ModelProfiles>();
        services.AddSingleton<ModelChoice>();
        services.AddSingleton(sp => sp.GetRequiredService<ModelProfiles>().Default.Client);
        services.AddHostedService<LlmStartupLog>();
        services.AddHealthChecks().AddCheck<ModelHealthCheck>(ModelHealthCheck.Name, tags: [ModelHealthCheck.Name]);
        return builder;
    }

    /// <summary><c>/health/models</c>: each profile's circuit breaker, so an operator sees which provider is failing.</summary>
    public static IEndpointRouteBuilder MapLlm(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Routes.HealthModels, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ModelHealthCheck.Name),
            ResponseWriter = WriteModelsAsync,
        }).AllowAnonymous();
        return app;
    }

    private static Task WriteModelsAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var models = report.Entries.TryGetValue(ModelHealthCheck.Name, out var entry) ? entry.Data : new Dictionary<string, object>();
        return JsonSerializer.SerializeAsync(context.Response.Body, new { status = report.Status.ToString(), models }, cancellationToken: context.RequestAborted);
    }
}
