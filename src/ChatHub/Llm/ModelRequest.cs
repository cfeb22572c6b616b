using Microsoft.Extensions.AI;

namespace ChatHub.Llm;

/// <summary>What to send to the model for one reply: the persona, the history that fits, and the character's sampling settings.</summary>
/// <param name="OldestKeptId">The oldest message of the history given that the prompt kept; null when it kept none of them.</param>
public sealed record ModelRequest(IList<ChatMessage> Messages, ChatOptions Options, string? OldestKeptId = null);
