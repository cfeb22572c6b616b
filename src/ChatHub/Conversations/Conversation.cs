namespace ChatHub.Conversations;

public sealed record Conversation(
    string Id,
    string UserId,
    string CharacterId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The model's title after the first exchange, or the user's; null before either.</summary>
    public string? Title { get; init; }

    /// <summary>The last message of the active branch: what the page shows and the prompt reads is the path from the root to it. Null while there are no messages.</summary>
    public string? LeafId { get; init; }

    /// <summary>The model profile the user picked; null to use the character's.</summary>
    public string? ModelProfile { get; init; }

    /// <summary>The rolling summary; <see cref="ConversationMemory.None"/> until one is written.</summary>
    public ConversationMemory Memory { get; init; } = ConversationMemory.None;
}

/// <summary>
/// One message of a conversation's tree. A user message carries the client's id and the id its reply
/// will get; a reply carries the message it answers, how it ended and, for some failures, why
/// (<see cref="Contracts.MessageValues.ErrorInterrupted"/>), and what it cost. Alternatives share a parent.
/// </summary>
/// <param name="ParentId">The message this one follows; null for a first message (a greeting and its alternatives are all first messages).</param>
/// <param name="Edited">A character's message whose text the user replaced.</param>
/// <param name="RequestId">For a reply: the client's id of the last regenerate or continue that wrote it, so a retry is answered without writing again.</param>
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
    string? ParentId = null,
    bool Edited = false,
    string? RequestId = null,
    Usage.ReplyUsage? Usage = null);

/// <summary>Where a message stands among its alternatives (the messages with its parent), in the order they were written.</summary>
public sealed record SiblingPlace(int Index, int Count)
{
    public static readonly SiblingPlace Only = new(0, 1);
}

public sealed record PlacedMessage(StoredMessage Message, SiblingPlace Place);

/// <summary>A user message whose reply was never stored: its node stopped while writing it.</summary>
public sealed record UnansweredMessage(string ConversationId, StoredMessage Message);

/// <param name="Appended">False when a message with the same client message id was already there; <paramref name="Message"/> is then that one.</param>
public sealed record AppendResult(StoredMessage Message, bool Appended);

/// <summary>Part of one branch, root side first; <see cref="Places"/> goes with <see cref="Messages"/> one for one.</summary>
/// <param name="HasMore">The branch goes on before the first message.</param>
public sealed record MessageSlice(IReadOnlyList<StoredMessage> Messages, bool HasMore, IReadOnlyList<SiblingPlace> Places)
{
    public IEnumerable<PlacedMessage> Placed => Messages.Select((m, i) => new PlacedMessage(m, Places[i]));
}

/// <summary>A message replaced in place: its text, and for a continued reply how it ended, the request that continued it and what it cost in all.</summary>
public sealed record MessageChange(string MessageId, string Text, DateTimeOffset At, bool Edited, string? Status = null, string? RequestId = null, Usage.ReplyUsage? Usage = null);

/// <summary>What deleting a message did.</summary>
/// <param name="Deleted">The ids removed: the message and everything after it on its branches; empty when it was not there.</param>
/// <param name="LeafId">The active branch's leaf afterwards.</param>
/// <param name="Refused">The subtree held a message that had to stay (the branch of a reply being written): nothing was deleted.</param>
public sealed record DeleteOutcome(IReadOnlyList<string> Deleted, string? LeafId, bool Refused = false);

/// <summary>
/// A page of <paramref name="UserId"/>'s conversations, most recently updated first. With <paramref name="Words"/>, only those whose
/// title or one message holds every word (whole words, any case), on any branch.
/// </summary>
/// <param name="After">Where the previous page ended (its last conversation's <c>updatedAt</c> in milliseconds, and id); null for the first page.</param>
public sealed record ConversationListQuery(string UserId, IReadOnlyList<string> Words, Characters.CatalogueCursor? After, int Limit);

/// <summary>Where a search found its words: a message, or (no <paramref name="MessageId"/>) the title, with the text that holds them.</summary>
public sealed record FoundText(string? MessageId, string Text);

/// <summary>A conversation in a list, with its active branch's last message (null while there is none) and, in a search, where the words are.</summary>
public sealed record ListedConversation(Conversation Conversation, StoredMessage? Leaf, FoundText? Match = null);

/// <param name="Next">Where the next page starts; null when this is the last.</param>
public sealed record ConversationListPage(IReadOnlyList<ListedConversation> Conversations, Characters.CatalogueCursor? Next)
{
    /// <summary>Both stores read one more than a page: whether it came says whether there is a next page.</summary>
    public static ConversationListPage Of(IReadOnlyList<ListedConversation> found, int limit)
    {
        if (found.Count <= limit) return new ConversationListPage(found, null);
        var last = found[limit - 1].Conversation;
        return new ConversationListPage(found.Take(limit).ToList(), new Characters.CatalogueCursor(last.UpdatedAt.ToUnixTimeMilliseconds(), last.Id));
    }
}
