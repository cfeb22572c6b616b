namespace ChatHub.Contracts;

public sealed record SendMessageRequest
{
    public required string ConversationId { get; init; }
    public required string Message { get; init; }
    /// <summary>Chosen by the client (e.g. a GUID); makes retries safe.</summary>
    public required string ClientMessageId { get; init; }
}

public sealed record SendMessageResult
{
    public required string UserMessageId { get; init; }
    public required string ReplyId { get; init; }
}

/// <summary>A stored message, as REST and the hub show it.</summary>
public sealed record MessageDto
{
    public required string Id { get; init; }
    /// <summary><c>user</c> or <c>ai</c>.</summary>
    public required string Sender { get; init; }
    public required string Message { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    /// <summary>For ai messages: <c>complete</c>, <c>stopped</c> or <c>failed</c>; null for user messages.</summary>
    public string? Status { get; init; }
    /// <summary>For user messages: the id the client chose.</summary>
    public string? ClientMessageId { get; init; }
    /// <summary>For ai messages: the user message this answers.</summary>
    public string? InReplyTo { get; init; }
    /// <summary>For failed ai messages, when known: why (<c>interrupted</c>: the node writing it stopped before it ended).</summary>
    public string? Error { get; init; }
    /// <summary>For ai messages the model was asked for: what the reply cost.</summary>
    public UsageDto? Usage { get; init; }
}

/// <summary>
/// A reply's tokens: the endpoint's own count when it sent one, else counted with the o200k_base tokenizer;
/// the model that wrote it; the milliseconds from the message reaching the service to the first text (null when none came).
/// </summary>
public sealed record UsageDto
{
    public required int PromptTokens { get; init; }
    public required int CompletionTokens { get; init; }
    public required string Model { get; init; }
    public int? TimeToFirstTokenMs { get; init; }
}

public sealed record ConversationSnapshot
{
    public required string ConversationId { get; init; }
    /// <summary>The most recent stored messages, oldest first.</summary>
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    /// <summary>A reply still being written, or null.</summary>
    public ActiveReply? ActiveReply { get; init; }
}

/// <summary>
/// A reply in flight: its text so far covers deltas 0..<see cref="Seq"/>; apply only deltas with a
/// greater seq. <see cref="Seq"/> is -1 before the first delta.
/// </summary>
public sealed record ActiveReply
{
    public required string ReplyId { get; init; }
    public required string InReplyTo { get; init; }
    public required string Text { get; init; }
    public required int Seq { get; init; }
}

public sealed record MessageAppended
{
    public required string ConversationId { get; init; }
    public required MessageDto Message { get; init; }
}

public sealed record ReplyStarted
{
    public required string ConversationId { get; init; }
    public required string ReplyId { get; init; }
    public required string InReplyTo { get; init; }
}

public sealed record ReplyDelta
{
    public required string ConversationId { get; init; }
    public required string ReplyId { get; init; }
    public required int Seq { get; init; }
    public required string Text { get; init; }
}

public sealed record ReplyCompleted
{
    public required string ConversationId { get; init; }
    public required string ReplyId { get; init; }
    public required MessageDto Message { get; init; }
}

public sealed record ReplyFailed
{
    public required string ConversationId { get; init; }
    public required string ReplyId { get; init; }
    public required string Error { get; init; }
    public required string PartialText { get; init; }
}
