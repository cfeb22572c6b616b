using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;

namespace ChatHub.Llm;

/// <summary>
/// Each profile's circuit breaker (<c>Closed</c>, <c>Open</c>, <c>HalfOpen</c>, <c>Isolated</c>; <c>None</c> for the
/// simulated model). Degraded while one is open; never unhealthy, because a provider's outage is not the node's.
/// </summary>
internal sealed class ModelHealthCheck(ModelProfiles profiles) : IHealthCheck
{
    public const string Name = "models";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = profiles.All.ToDictionary(p => p.Name, p => (object)(p.Circuit?.ToString() ?? "None"));
        var open = profiles.All.Where(p => p.Circuit is CircuitState.Open or CircuitState.Isolated).Select(p => p.Name).ToList();
        return Task.FromResult(open.Count == 0
            ? HealthCheckResult.Healthy(data: states)
            : HealthCheckResult.Degraded($"Circuit open for: {string.Join(", ", open)}.", data: states));
    }
}
