using Microsoft.Extensions.Options;

namespace ChatHub.Llm;

/// <summary>Says at start-up which model answers, so nobody mistakes the simulated one for a real model.</summary>
internal sealed partial class LlmStartupLog(IOptions<LlmOptions> options, ILogger<LlmStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var llm = options.Value;
        if (string.IsNullOrWhiteSpace(llm.Endpoint))
        {
            LogSimulated(logger, llm.Simulated.TimeToFirstTokenMs, llm.Simulated.TokensPerSecond);
        }
        else
        {
            LogRemote(logger, llm.Model, Shown(llm.Endpoint), llm.FirstTokenTimeoutSeconds, llm.MaxRetries);
        }
        foreach (var (name, profile) in llm.Models)
        {
            LogProfile(logger, name, string.IsNullOrWhiteSpace(profile.Endpoint) ? SimulatedChatClient.ModelId : profile.Model, Shown(profile.Endpoint));
        }
        return Task.CompletedTask;
    }

    // Scheme, host and path only: user info in the URL would be a secret.
    private static string Shown(string? endpoint) => string.IsNullOrWhiteSpace(endpoint)
        ? "(built in)"
        : new Uri(endpoint).GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Llm:Endpoint is not set: using the built-in simulated model (TTFT {TimeToFirstTokenMs} ms, {TokensPerSecond} tokens/s).")]
    private static partial void LogSimulated(ILogger logger, int timeToFirstTokenMs, double tokensPerSecond);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Using model {Model} at {Endpoint} (first token within {FirstTokenTimeoutSeconds} s, up to {MaxRetries} retries).")]
    private static partial void LogRemote(ILogger logger, string? model, string endpoint, int firstTokenTimeoutSeconds, int maxRetries);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Model profile {Profile}: model {Model} at {Endpoint}.")]
    private static partial void LogProfile(ILogger logger, string profile, string? model, string endpoint);
}
