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
            // Scheme, host and path only: user info in the URL would be a secret.
            var endpoint = new Uri(llm.Endpoint).GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
            LogRemote(logger, llm.Model, endpoint, llm.FirstTokenTimeoutSeconds, llm.MaxRetries);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning,
        Message = "Llm:Endpoint is not set: using the built-in simulated model (TTFT {TimeToFirstTokenMs} ms, {TokensPerSecond} tokens/s).")]
    private static partial void LogSimulated(ILogger logger, int timeToFirstTokenMs, double tokensPerSecond);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information,
        Message = "Using model {Model} at {Endpoint} (first token within {FirstTokenTimeoutSeconds} s, up to {MaxRetries} retries).")]
    private static partial void LogRemote(ILogger logger, string? model, string endpoint, int firstTokenTimeoutSeconds, int maxRetries);
}
