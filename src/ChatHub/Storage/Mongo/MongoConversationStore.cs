using ChatHub.Contracts;
using ChatHub.Conversations;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// Conversations with their messages embedded, a tree by <c>parent_id</c>. Reads that follow the tree
/// read its skeleton (<see cref="MessageTree"/>) and then only the <c>$slice</c> of the array that holds
/// the messages they want: for a conversation without alternatives, a branch's last N messages are the
/// array's last N. Every append is one <c>$push</c> that also sets the leaf.
/// </summary>
internal sealed class MongoConversationStore(IMongoDatabase database) : IConversationStore
{
    private static readonly FilterDefinitionBuilder<ConversationDocument> Filter = Builders<ConversationDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<ConversationDocument> Update = Builders<ConversationDocument>.Update;
    private static readonly ProjectionDefinitionBuilder<ConversationDocument> Projection = Builders<ConversationDocument>.Projection;
    private static readonly ProjectionDefinition<ConversationDocument> WithoutMessages = Projection.Exclude(d => d.Messages);

    internal static readonly ProjectionDefinition<ConversationDocument> TreeOnly =
        Projection.Include("leaf_id").Include("messages.id").Include("messages.parent_id").Include("messages.root");

    // A read that meets a delete between its two steps (the skeleton, then the slice) starts over.
    private const int Attempts = 5;

    private readonly IMongoCollection<ConversationDocument> conversations = database.Conversations();

    public Task CreateAsync(Conversation conversation, IReadOnlyList<StoredMessage> opening, CancellationToken cancellationToken) =>
        conversations.InsertOneAsync(ConversationDocument.From(conversation, opening), cancellationToken: cancellationToken);

    public async Task<Conversation?> GetAsync(string id, string userId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(id, userId, out var conversationId, out var ownerId))
        {
            return null;
        }

        var owner = OwnerFilter(conversationId, ownerId);
        var document = await conversations.Find(owner).Project<ConversationDocument>(WithoutMessages).FirstOrDefaultAsync(cancellationToken);
        if (document is not { LeafId: null })
        {
            return document?.ToConversation();
        }

        // No leaf stored: a conversation written before trees (or an empty one), whose last message is its leaf.
        var last = await conversations.Find(owner).Project<ConversationDocument>(Projection.Slice(d => d.Messages, -1)).FirstOrDefaultAsync(cancellationToken);
        return document.ToConversation(last?.Messages.LastOrDefault()?.Id.ToString());
    }

    public async Task<IReadOnlyList<Conversation>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var ownerId))
        {
            return [];
        }

        var documents = await conversations.Find(Filter.Eq(d => d.UserId, ownerId))
            .Sort(Builders<ConversationDocument>.Sort.Descending(d => d.UpdatedAt).Descending(d => d.Id))
            .Project<ConversationDocument>(WithoutMessages)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToConversation());
    }

    public async Task<ConversationListPage> ListPageAsync(ConversationListQuery query, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(query.UserId, out var ownerId))
        {
            return new ConversationListPage([], null);
        }

        var found = query.Words.Count == 0
            ? await ListLeavesAsync(ListFilter(ownerId, query), query.Limit + 1, cancellationToken)
            : await SearchAsync(ListFilter(ownerId, query), query, cancellationToken);
        return ConversationListPage.Of(found, query.Limit);
    }

    /// <summary>The user's conversations after the cursor; with words, the text index narrows them to those that hold every word somewhere.</summary>
    internal static FilterDefinition<ConversationDocument> ListFilter(ObjectId ownerId, ConversationListQuery query)
    {
        var filter = Filter.Eq(d => d.UserId, ownerId);
        if (query.Words.Count > 0) filter &= Filter.Text(TextSearch(query.Words));
        if (query.After is { } after && ObjectId.TryParse(after.Id, out var afterId))
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(after.Key);
            filter &= Filter.Lt(d => d.UpdatedAt, at) | (Filter.Eq(d => d.UpdatedAt, at) & Filter.Lt(d => d.Id, afterId));
        }
        return filter;
    }

    /// <summary>Each word a quoted phrase, so the index wants them all; words are letters and digits only, so none holds a quote or a minus.</summary>
    internal static string TextSearch(IReadOnlyList<string> words) => string.Join(' ', words.Select(w => $"\"{w}\""));

    /// <summary>The conversation's fields, named (a projection with only a <c>$slice</c> means all fields on MongoDB, but not on every server that speaks its wire), and its last message.</summary>
    internal static readonly ProjectionDefinition<ConversationDocument> WithLastMessage = Projection
        .Include(d => d.UserId).Include(d => d.CharacterId).Include(d => d.CreatedAt).Include(d => d.UpdatedAt).Include(d => d.Title).Include(d => d.LeafId)
        .Slice(d => d.Messages, -1);

    private static readonly SortDefinition<ConversationDocument> Newest = Builders<ConversationDocument>.Sort.Descending(d => d.UpdatedAt).Descending(d => d.Id);

    /// <summary>
    /// Each conversation with only its last message, which is its leaf unless a branch was selected or a message deleted since; those
    /// few are read again for the leaf alone.
    /// </summary>
    private async Task<List<ListedConversation>> ListLeavesAsync(FilterDefinition<ConversationDocument> filter, int limit, CancellationToken cancellationToken)
    {
        var documents = await conversations.Find(filter).Sort(Newest).Limit(limit).Project<ConversationDocument>(WithLastMessage).ToListAsync(cancellationToken);
        var listed = new List<ListedConversation>(documents.Count);
        foreach (var d in documents)
        {
            var last = d.Messages.LastOrDefault();
            var leaf = d.LeafId is not { } leafId || leafId == last?.Id
                ? last
                : (await conversations.Find(Filter.Eq(x => x.Id, d.Id))
                    .Project<ConversationDocument>(Projection.ElemMatch(x => x.Messages, m => m.Id == leafId)).FirstOrDefaultAsync(cancellationToken))?.Messages.SingleOrDefault();
            listed.Add(new ListedConversation(d.ToConversation(last?.Id.ToString()), leaf?.ToStoredMessage()));
        }
        return listed;
    }

    /// <summary>
    /// The text index finds conversations that hold every word somewhere; of those, a page of the ones whose title or one message holds
    /// them all, each with the latest such message. Read one by one, newest first, until the page is full.
    /// </summary>
    private async Task<List<ListedConversation>> SearchAsync(FilterDefinition<ConversationDocument> filter, ConversationListQuery query, CancellationToken cancellationToken)
    {
        var listed = new List<ListedConversation>();
        using var cursor = await conversations.Find(filter, new FindOptions { BatchSize = query.Limit + 1 }).Sort(Newest).ToCursorAsync(cancellationToken);
        while (listed.Count <= query.Limit && await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var d in cursor.Current)
            {
                if (Found(d, query.Words) is not { } found) continue;
                listed.Add(found);
                if (listed.Count > query.Limit) break;
            }
        }
        return listed;
    }

    /// <summary>
    /// A conversation the text index found, with its latest message that holds every word (or its title when none does), and its
    /// leaf; null when the words are only spread over several messages (the index matches the document as a whole).
    /// </summary>
    internal static ListedConversation? Found(ConversationDocument d, IReadOnlyList<string> words)
    {
        var tree = MessageTree.Of(d);
        var hit = Enumerable.Range(0, d.Messages.Count).Reverse().FirstOrDefault(i => ConversationSearch.HoldsAll(words, d.Messages[i].Message), -1);
        FoundText? match = hit >= 0 ? new FoundText(tree.IdAt(hit), d.Messages[hit].Message)
            : ConversationSearch.HoldsAll(words, d.Title) ? new FoundText(null, d.Title!)
            : null;
        if (match is null) return null;
        var leaf = tree.IndexOf(tree.LeafId) is { } at ? d.Messages[at].ToStoredMessage(tree.ParentAt(at)) : null;
        return new ListedConversation(d.ToConversation(tree.LeafId), leaf, match);
    }

    public async Task<IReadOnlyList<StoredMessage>?> GetAllMessagesAsync(string conversationId, string userId, CancellationToken cancellationToken) =>
        (await ReadFromTreeAsync(conversationId, userId, tree => [.. Enumerable.Range(0, tree.Count)], cancellationToken))?.Messages;

    public async Task<bool> DeleteAsync(string id, string userId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(id, userId, out var conversationId, out var ownerId))
        {
            return false;
        }

        var result = await conversations.DeleteOneAsync(OwnerFilter(conversationId, ownerId), cancellationToken);
        return result.DeletedCount == 1;
    }

    public async Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken cancellationToken)
    {
        // Without a client message id the $ne guard would compare against the replies, which have none.
        ArgumentException.ThrowIfNullOrEmpty(message.ClientMessageId);
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        var document = MessageDocument.From(message);
        var result = await conversations.UpdateOneAsync(
            AppendUserMessageFilter(id, ownerId, message.ClientMessageId, document.ParentId), AppendUpdate(document), cancellationToken: cancellationToken);
        if (result.ModifiedCount == 1)
        {
            return new AppendResult(message, Appended: true);
        }

        // Nothing matched: a retry whose message is already there, no such conversation for this user, or the parent is gone.
        var existing = await FindByClientMessageIdAsync(id, ownerId, message.ClientMessageId, cancellationToken);
        return existing is null ? null : new AppendResult(existing, Appended: false);
    }

    public Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken cancellationToken) =>
        TryParseIds(conversationId, userId, out var id, out var ownerId)
            ? FindByClientMessageIdAsync(id, ownerId, clientMessageId, cancellationToken)
            : Task.FromResult<StoredMessage?>(null);

    public async Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(conversationId, out var id))
        {
            return false;
        }

        var document = MessageDocument.From(reply);
        var result = await conversations.UpdateOneAsync(
            AppendReplyFilter(id, document.Id, document.ParentId), AppendUpdate(document), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken cancellationToken) =>
        // An unknown "before" id has no parent to start from, so the page is empty.
        ReadPathAsync(conversationId, userId, limit, tree => beforeId is null ? tree.LeafId : tree.IndexOf(beforeId) is { } i ? tree.ParentAt(i) : null, cancellationToken);

    public Task<MessageSlice?> GetPathAsync(string conversationId, string userId, string throughId, int limit, CancellationToken cancellationToken) =>
        ReadPathAsync(conversationId, userId, limit, _ => throughId, cancellationToken);

    public async Task<PlacedMessage?> GetMessageAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        var found = await ReadFromTreeAsync(conversationId, userId, tree => tree.IndexOf(messageId) is { } i ? [i] : [], cancellationToken);
        return found?.Placed.SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredMessage>?> GetSiblingsAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        var found = await ReadFromTreeAsync(conversationId, userId, tree => tree.IndexOf(messageId) is { } i ? tree.SiblingsAt(i) : [], cancellationToken);
        return found is { Messages.Count: > 0 } ? found.Messages : null;
    }

    public async Task<bool> ChangeMessageAsync(string conversationId, string userId, MessageChange change, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId) || !ObjectId.TryParse(change.MessageId, out var messageId))
        {
            return false;
        }

        // The positional $ is the element the filter matched by id.
        var update = Update.Set("messages.$.message", change.Text).Max(d => d.UpdatedAt, change.At);
        if (change.Edited) update = update.Set("messages.$.edited", true);
        if (change.Status is not null) update = update.Set("messages.$.status", change.Status);
        if (change.RequestId is not null) update = update.Set("messages.$.request_id", change.RequestId);
        var result = await conversations.UpdateOneAsync(OwnerFilter(id, ownerId) & Filter.Eq("messages.id", messageId), update, cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<string?> SelectBranchAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await ReadTreeAsync(id, ownerId, cancellationToken) is not { } tree || tree.IndexOf(messageId) is null || tree.LatestLeafUnder(messageId) is not { } leaf)
            {
                return null;
            }

            // The leaf must still be there when it is set: a delete since the read makes this try again.
            var result = await conversations.UpdateOneAsync(
                OwnerFilter(id, ownerId) & Filter.Eq("messages.id", ObjectId.Parse(leaf)), Update.Set(d => d.LeafId, ObjectId.Parse(leaf)), cancellationToken: cancellationToken);
            if (result.MatchedCount == 1) return leaf;
        }
        throw new TimeoutException("The conversation kept changing while a branch was selected.");
    }

    public async Task<DeleteOutcome?> DeleteMessageAsync(
        string conversationId, string userId, string messageId, IReadOnlyCollection<string> keep, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await ReadTreeAsync(id, ownerId, cancellationToken) is not { } tree)
            {
                return null;
            }
            var subtree = tree.Subtree(messageId);
            if (subtree.Count == 0) return new DeleteOutcome([], tree.LeafId);
            if (subtree.Overlaps(keep)) return new DeleteOutcome([], tree.LeafId, Refused: true);

            var leaf = tree.LeafId is { } current && !subtree.Contains(current)
                ? current
                : tree.LatestLeafUnder(tree.ParentAt(tree.IndexOf(messageId)!.Value), subtree);
            var ids = subtree.Select(ObjectId.Parse).ToList();
            // The filter pins what was read (the number of messages and the stored leaf): a message appended under
            // the subtree meanwhile, or a branch selected, makes this match nothing and try again.
            var filter = OwnerFilter(id, ownerId) & Filter.Size(d => d.Messages, tree.Count) & Filter.Eq("leaf_id", StoredLeaf(tree));
            var update = Update.PullFilter(d => d.Messages, m => ids.Contains(m.Id));
            update = leaf is null ? update.Unset(d => d.LeafId) : update.Set(d => d.LeafId, ObjectId.Parse(leaf));
            var result = await conversations.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
            if (result.MatchedCount == 1) return new DeleteOutcome([.. subtree], leaf);
        }
        throw new TimeoutException("The conversation kept changing while a message was deleted.");
    }

    public async Task<bool> SetTitleAsync(string conversationId, string userId, string title, bool onlyIfUntitled, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return false;
        }

        var filter = OwnerFilter(id, ownerId);
        if (onlyIfUntitled) filter &= Filter.Eq(d => d.Title, null);
        var result = await conversations.UpdateOneAsync(filter, Update.Set(d => d.Title, title), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> SetModelProfileAsync(string conversationId, string userId, string? profile, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return false;
        }

        var result = await conversations.UpdateOneAsync(OwnerFilter(id, ownerId), Update.Set(d => d.ModelProfile, profile), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> SetMemoryAsync(string conversationId, string userId, ConversationMemory memory, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return false;
        }

        var result = await conversations.UpdateOneAsync(OwnerFilter(id, ownerId), Update.Set(d => d.Memory, MemoryDocument.From(memory)), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<IReadOnlyList<UnansweredMessage>> ListUnansweredAsync(CancellationToken cancellationToken)
    {
        // The awaited message is the last one: nothing is appended while its reply runs. Conversations not written
        // since trees came carry no mark; for them, as before, a last user message with a reply id is waiting.
        var candidates = conversations.Find(UnansweredFilter)
            .Project<ConversationDocument>(Projection.Slice(d => d.Messages, -1));
        var unanswered = new List<UnansweredMessage>();
        await candidates.ForEachAsync(d =>
        {
            if (d.Messages is [{ Sender: MessageValues.SenderUser, ReplyId: { } replyId } last] && (d.AwaitingReplyId is null || d.AwaitingReplyId == replyId))
            {
                unanswered.Add(new UnansweredMessage(d.Id.ToString(), last.ToStoredMessage()));
            }
        }, cancellationToken);
        return unanswered;
    }

    internal static readonly FilterDefinition<ConversationDocument> UnansweredFilter =
        Filter.Ne(d => d.AwaitingReplyId, null)
        | (Filter.Exists(d => d.LeafId, false) & Filter.ElemMatch(d => d.Messages, m => m.Sender == MessageValues.SenderUser && m.ReplyId != null));

    internal static FilterDefinition<ConversationDocument> OwnerFilter(ObjectId id, ObjectId userId) =>
        Filter.Eq(d => d.Id, id) & Filter.Eq(d => d.UserId, userId);

    /// <summary>A message goes under a parent that is there (a first message under none).</summary>
    private static FilterDefinition<ConversationDocument> ParentThere(ObjectId? parentId) =>
        parentId is { } parent ? Filter.Eq("messages.id", parent) : Filter.Empty;

    internal static FilterDefinition<ConversationDocument> AppendUserMessageFilter(ObjectId id, ObjectId userId, string clientMessageId, ObjectId? parentId = null) =>
        OwnerFilter(id, userId) & Filter.Ne("messages.client_message_id", clientMessageId) & ParentThere(parentId);

    internal static FilterDefinition<ConversationDocument> AppendReplyFilter(ObjectId id, ObjectId replyId, ObjectId? parentId = null) =>
        Filter.And(Filter.Eq(d => d.Id, id), Filter.Ne("messages.id", replyId), ParentThere(parentId));

    /// <summary>The message, the leaf and the time in one update; a user message marks the reply it awaits, a reply clears the mark.</summary>
    internal static UpdateDefinition<ConversationDocument> AppendUpdate(MessageDocument message)
    {
        var update = Update
            .Push(d => d.Messages, message)
            .Set(d => d.LeafId, message.Id)
            .Max(d => d.UpdatedAt, message.Timestamp); // $max: a late reply never moves the conversation back in the list
        return message.Sender == MessageValues.SenderUser && message.ReplyId is { } awaited
            ? update.Set(d => d.AwaitingReplyId, awaited)
            : update.Unset(d => d.AwaitingReplyId);
    }

    private static BsonValue StoredLeaf(MessageTree tree) => tree.StoredLeafId is { } stored ? ObjectId.Parse(stored) : BsonNull.Value;

    private async Task<MessageTree?> ReadTreeAsync(ObjectId id, ObjectId ownerId, CancellationToken cancellationToken)
    {
        var document = await conversations.Find(OwnerFilter(id, ownerId)).Project<TreeDocument>(TreeOnly).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : MessageTree.Of(document);
    }

    /// <summary>The last <paramref name="limit"/> messages of the path to the message <paramref name="end"/> picks (none when it picks none).</summary>
    private Task<MessageSlice?> ReadPathAsync(string conversationId, string userId, int limit, Func<MessageTree, string?> end, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var hasMore = false;
        return ReadFromTreeAsync(conversationId, userId, tree =>
        {
            var path = tree.PathTo(end(tree));
            hasMore = path.Count > limit;
            return path.Count > limit ? path[^limit..] : path;
        }, cancellationToken, () => hasMore);
    }

    /// <summary>
    /// The messages at the array positions <paramref name="pick"/> chooses from the tree, in its order, with their
    /// places: the skeleton, then one <c>$slice</c> from the first position to the last. Null when the user has no such conversation.
    /// </summary>
    private async Task<MessageSlice?> ReadFromTreeAsync(
        string conversationId, string userId, Func<MessageTree, List<int>> pick, CancellationToken cancellationToken, Func<bool>? hasMore = null)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        var owner = OwnerFilter(id, ownerId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await ReadTreeAsync(id, ownerId, cancellationToken) is not { } tree)
            {
                return null;
            }
            var positions = pick(tree);
            if (positions.Count == 0)
            {
                return new MessageSlice([], hasMore?.Invoke() ?? false, []);
            }

            var (first, last) = (positions.Min(), positions.Max());
            var document = await conversations.Find(owner).Project<ConversationDocument>(Projection.Slice(d => d.Messages, first, last - first + 1))
                .FirstOrDefaultAsync(cancellationToken);
            if (document is null)
            {
                return null;
            }

            // A delete between the two reads shifts the array: then the ids no longer sit where the tree said, and the read starts over.
            var slice = document.Messages;
            if (positions.Any(p => p - first >= slice.Count || slice[p - first].Id.ToString() != tree.IdAt(p)))
            {
                continue;
            }
            var messages = positions.ConvertAll(p => slice[p - first].ToStoredMessage(tree.ParentAt(p)));
            return new MessageSlice(messages, hasMore?.Invoke() ?? false, positions.ConvertAll(tree.PlaceAt));
        }
        throw new TimeoutException("The conversation kept changing while it was read.");
    }

    private async Task<StoredMessage?> FindByClientMessageIdAsync(ObjectId id, ObjectId userId, string clientMessageId, CancellationToken cancellationToken)
    {
        var document = await conversations.Find(OwnerFilter(id, userId))
            .Project<ConversationDocument>(Projection.ElemMatch(d => d.Messages, m => m.ClientMessageId == clientMessageId))
            .FirstOrDefaultAsync(cancellationToken);
        return document?.Messages.SingleOrDefault()?.ToStoredMessage();
    }

    /// <summary>Ids come from URLs and hub calls; one that is not an ObjectId names no conversation, as in the SQLite store.</summary>
    private static bool TryParseIds(string id, string userId, out ObjectId conversationId, out ObjectId ownerId) =>
        ObjectId.TryParse(id, out conversationId) & ObjectId.TryParse(userId, out ownerId);
}
