namespace ChatHub.Conversations;

public sealed record Conversation(
    string Id,
    string UserId,
    string CharacterId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// One element of a conversation's <c>messages</c> array. A user message carries the client's
/// id and the id its reply will get; a reply carries the message it answers, how it ended and,
/// for some failures, why (<see cref="Contracts.MessageValues.ErrorInterrupted"/>), and what it cost.
/// </summary>
public sealed record StoredMessage(
    string Id,
    string Sender,
    string Text,
    DateTimeOffset Timestamp,
    string? ClientMessageId = null,
    string? ReplyId = null,
    string? InReplyTo = null,
    string? Status = null,
    string? Error = null,
    Usage.ReplyUsage? Usage = null);

/// <summary>A user message whose reply was never stored: its node stopped while writing it.</summary>
public sealed record UnansweredMessage(string ConversationId, StoredMessage Message);

/// <param name="Appended">False when a message with the same client message id was already there; <paramref name="Message"/> is then that one.</param>
public sealed record AppendResult(StoredMessage Message, bool Appended);

public sealed record MessageSlice(IReadOnlyList<StoredMessage> Messages, bool HasMore);

/// <summary>
/// Conversations and their messages. Every read and write that a user asks for names the user, so
/// another user's conversation is indistinguishable from one that does not exist.
/// </summary>
public interface IConversationStore
{
    Task CreateAsync(Conversation conversation, CancellationToken cancellationToken);

    Task<Conversation?> GetAsync(string id, string userId, CancellationToken cancellationToken);

    /// <summary>The user's conversations, most recently updated first.</summary>
    Task<IReadOnlyList<Conversation>> ListAsync(string userId, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string id, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a user message in one atomic write, once per <see cref="StoredMessage.ClientMessageId"/>.
    /// Null when the user has no such conversation.
    /// </summary>
    Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken cancellationToken);

    /// <summary>The user message sent with this client message id, or null.</summary>
    Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken cancellationToken);

    /// <summary>Appends a reply in one atomic write, at most once per message id. False when it was already there or the conversation is gone.</summary>
    Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> messages, oldest first, that come before <paramref name="beforeId"/>
    /// (or the latest when null). Null when the user has no such conversation.
    /// </summary>
    Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken cancellationToken);

    /// <summary>
    /// Every conversation whose last message is a user message waiting for its reply. Replies are stored
    /// however they end, so only a node that stopped mid-reply leaves one; a new message is refused
    /// while a reply runs, so only the last message can be waiting.
    /// </summary>
    Task<IReadOnlyList<UnansweredMessage>> ListUnansweredAsync(CancellationToken cancellationToken);
}
