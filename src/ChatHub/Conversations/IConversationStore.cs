namespace ChatHub.Conversations;

/// <summary>
/// Conversations and their messages, a tree each. Every read and write that a user asks for names the
/// user, so another user's conversation is indistinguishable from one that does not exist. Every append
/// is one atomic write that also moves the conversation's leaf to the new message.
/// </summary>
public interface IConversationStore
{
    /// <summary>
    /// Creates the conversation with its messages, in one write: the opening ones (a greeting and its alternatives), or an imported
    /// tree in the order written (each after its parent). The leaf is the conversation's <see cref="Conversation.LeafId"/>, or else the first message.
    /// </summary>
    Task CreateAsync(Conversation conversation, IReadOnlyList<StoredMessage> opening, CancellationToken cancellationToken);

    Task<Conversation?> GetAsync(string id, string userId, CancellationToken cancellationToken);

    /// <summary>The user's conversations, most recently updated first.</summary>
    Task<IReadOnlyList<Conversation>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the user's conversations (<see cref="ConversationListQuery"/>), each with its leaf; in a search, each with the latest
    /// written message that holds every word, or its title when no message does. Deleted messages and conversations are never found.
    /// </summary>
    Task<ConversationListPage> ListPageAsync(ConversationListQuery query, CancellationToken cancellationToken);

    /// <summary>Every message of the tree, each with its parent, in the order written; null when the user has no such conversation.</summary>
    Task<IReadOnlyList<StoredMessage>?> GetAllMessagesAsync(string conversationId, string userId, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string id, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a user message under its <see cref="StoredMessage.ParentId"/> in one atomic write, once per
    /// <see cref="StoredMessage.ClientMessageId"/>; it becomes the leaf. Null when the user has no such
    /// conversation or the parent is not (any longer) in it.
    /// </summary>
    Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken cancellationToken);

    /// <summary>The user message sent with this client message id, or null.</summary>
    Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a reply under its parent in one atomic write, at most once per message id; it becomes the leaf.
    /// False when it was already there, or the conversation or the parent is gone.
    /// </summary>
    Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> messages of the active branch, root side first, that come before
    /// <paramref name="beforeId"/> on its branch (or the latest, up to the leaf, when null). Null when the
    /// user has no such conversation.
    /// </summary>
    Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="limit"/> messages of the path from the root to <paramref name="throughId"/>; empty when it is not there.</summary>
    Task<MessageSlice?> GetPathAsync(string conversationId, string userId, string throughId, int limit, CancellationToken cancellationToken);

    /// <summary>One message and its place among its alternatives; null when it (or the conversation) is not there.</summary>
    Task<PlacedMessage?> GetMessageAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken);

    /// <summary>The message and its alternatives, in the order they were written; null when it (or the conversation) is not there.</summary>
    Task<IReadOnlyList<StoredMessage>?> GetSiblingsAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken);

    /// <summary>Replaces a message's text (and, for a continued reply, its status) in place, in one write. False when it is not there.</summary>
    Task<bool> ChangeMessageAsync(string conversationId, string userId, MessageChange change, CancellationToken cancellationToken);

    /// <summary>Makes the latest leaf under the message the active branch's leaf and returns it; null when the message (or the conversation) is not there.</summary>
    Task<string?> SelectBranchAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the message and everything after it on its branches, unless that holds one of <paramref name="keep"/>;
    /// its alternatives stay. A leaf deleted with it moves to the latest leaf under the message's parent. Null when
    /// the user has no such conversation.
    /// </summary>
    Task<DeleteOutcome?> DeleteMessageAsync(string conversationId, string userId, string messageId, IReadOnlyCollection<string> keep, CancellationToken cancellationToken);

    /// <summary>Sets the title; with <paramref name="onlyIfUntitled"/> only while it has none (a rename is never overwritten). False when nothing was written.</summary>
    Task<bool> SetTitleAsync(string conversationId, string userId, string title, bool onlyIfUntitled, CancellationToken cancellationToken);

    /// <summary>Sets the model profile the user picked (null: the character's). False when the user has no such conversation.</summary>
    Task<bool> SetModelProfileAsync(string conversationId, string userId, string? profile, CancellationToken cancellationToken);

    /// <summary>Replaces the conversation's rolling summary, in one write. False when the user has no such conversation.</summary>
    Task<bool> SetMemoryAsync(string conversationId, string userId, ConversationMemory memory, CancellationToken cancellationToken);

    /// <summary>
    /// Every user message that asked for a reply which was never stored: the last user message appended
    /// marks its conversation as awaiting that reply until a reply is appended. Replies are stored however
    /// they end, so only a node that stopped mid-reply leaves one.
    /// </summary>
    Task<IReadOnlyList<UnansweredMessage>> ListUnansweredAsync(CancellationToken cancellationToken);
}
