using Microsoft.Extensions.AI;

namespace ChatHub.Llm;

/// <summary>What to send to the model for one reply: the persona, the history that fits, and the character's sampling settings.</summary>
public sealed record ModelRequest(IList<ChatMessage> Messages, ChatOptions Options);
