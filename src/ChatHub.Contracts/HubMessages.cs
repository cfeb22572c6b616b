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
    /// <summary>The message this one follows; null for a first message (a greeting and its alternatives).</summary>
    public string? ParentId { get; init; }
    /// <summary>Where it stands among its alternatives (the messages with its parent), from 0, in the order they were written: a page shows "<c>siblingIndex + 1</c> / <c>siblingCount</c>".</summary>
    public int SiblingIndex { get; init; }
    public int SiblingCount { get; init; } = 1;
    /// <summary>True for a character's message whose text the user replaced; absent otherwise.</summary>
    public bool? Edited { get; init; }
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
    /// <summary>The most recent stored messages of the active branch, root side first; the last is its leaf.</summary>
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    /// <summary>A reply still being written, or null.</summary>
    public ActiveReply? ActiveReply { get; init; }
}

/// <summary>
/// A reply in flight: its text so far covers deltas 0..<see cref="Seq"/>; apply only deltas with a
/// greater seq. <see cref="Seq"/> is -1 before the first delta. A reply being continued has the id of
/// a stored message, and its text here is the whole text so far (the stored part included).
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

public sealed record RegenerateReplyRequest
{
    public required string ConversationId { get; init; }
    /// <summary>The reply to write again: the new one answers the same user message, and the old one stays as its alternative.</summary>
    public required string ReplyId { get; init; }
    /// <summary>Chosen by the client; the same id again does the work once and answers the same result.</summary>
    public required string ClientRequestId { get; init; }
}

public sealed record ContinueReplyRequest
{
    public required string ConversationId { get; init; }
    public required string ReplyId { get; init; }
    public required string ClientRequestId { get; init; }
}

/// <summary>The reply being written: it streams as <see cref="ReplyStarted"/>, <see cref="ReplyDelta"/>s and <see cref="ReplyCompleted"/> or <see cref="ReplyFailed"/>.</summary>
public sealed record ReplyResult
{
    public required string ReplyId { get; init; }
}

public sealed record EditMessageRequest
{
    public required string ConversationId { get; init; }
    public required string MessageId { get; init; }
    /// <summary>The new text.</summary>
    public required string Message { get; init; }
    /// <summary>Chosen by the client: the id of the new user message when a user message is edited; makes retries safe.</summary>
    public required string ClientMessageId { get; init; }
}

/// <summary>
/// For a user message: the new message (an alternative of the one edited, now the active branch) and its reply's id.
/// For a character's message, edited in place: its id.
/// </summary>
public sealed record EditMessageResult
{
    public string? UserMessageId { get; init; }
    public string? ReplyId { get; init; }
    public string? MessageId { get; init; }
}

public sealed record SelectBranchRequest
{
    public required string ConversationId { get; init; }
    /// <summary>A message of the branch to show (an alternative the user swiped to): the branch runs to its latest leaf.</summary>
    public required string MessageId { get; init; }
}

public sealed record DeleteMessageRequest
{
    public required string ConversationId { get; init; }
    public required string MessageId { get; init; }
}

public sealed record MessageEdited
{
    public required string ConversationId { get; init; }
    public required MessageDto Message { get; init; }
}

public sealed record MessagesDeleted
{
    public required string ConversationId { get; init; }
    public required IReadOnlyList<string> MessageIds { get; init; }
}

/// <summary>The active branch now ends at <see cref="LeafId"/> (null: the conversation has no messages left).</summary>
public sealed record BranchSelected
{
    public required string ConversationId { get; init; }
    public string? LeafId { get; init; }
}

/// <summary>To every device of the user: the conversation's title, leaf or last message changed.</summary>
public sealed record ConversationUpdated
{
    public required ConversationDto Conversation { get; init; }
}
