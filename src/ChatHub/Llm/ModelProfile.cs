using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;

namespace ChatHub.Llm;

/// <summary>One model endpoint replies can be routed to, with its own client (and, for a remote one, its own circuit breaker).</summary>
/// <param name="Name">The profile's name: <see cref="ModelProfiles.DefaultName"/> or a key of <c>Llm:Models</c>.</param>
/// <param name="Model">The model it asks for, as usage records it (<c>simulated</c> for the built-in one).</param>
/// <param name="ContextTokens">Its context window; null when the history budget is <c>Llm:HistoryTokenBudget</c>.</param>
public sealed record ModelProfile(string Name, string Model, int? ContextTokens, IChatClient Client)
{
    /// <summary>The breaker's state, or null for the simulated model, which has none.</summary>
    public CircuitState? Circuit => Client.GetService<ResilientChatClient>()?.Circuit;
}
