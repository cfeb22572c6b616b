using ChatHub.Contracts;
using ChatHub.Conversations;
using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// Conversations with their recent messages embedded, a tree by <c>parent_id</c>, and the older ones in buckets
/// (<see cref="MessageBuckets"/>). Reads that follow the tree read the live document's skeleton (<see cref="MessageTree"/>), load
/// the buckets they need by index (<see cref="ConversationWindow"/>), and then only the <c>$slice</c> of the live array that holds
/// the messages they want. Every append is one <c>$push</c> that also sets the leaf.
/// </summary>
internal sealed class MongoConversationStore(IMongoDatabase database, MessageBuckets buckets) : IConversationStore
{
    private static readonly FilterDefinitionBuilder<ConversationDocument> Filter = Builders<ConversationDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<ConversationDocument> Update = Builders<ConversationDocument>.Update;
    private static readonly ProjectionDefinitionBuilder<ConversationDocument> Projection = Builders<ConversationDocument>.Projection;
    private static readonly ProjectionDefinition<ConversationDocument> WithoutMessages = Projection.Exclude(d => d.Messages);

    internal static readonly ProjectionDefinition<ConversationDocument> TreeOnly =
        Projection.Include("leaf_id").Include("buckets").Include("edits").Include("messages.id").Include("messages.parent_id").Include("messages.root");

    /// <summary>What an append reads back: enough to tell whether the document is due a roll-over.</summary>
    private static readonly ProjectionDefinition<ConversationDocument> Sizes = Projection.Include(d => d.LiveCount).Include(d => d.LiveBytes);

    // A read that meets a delete or a roll-over between its steps starts over.
    private const int Attempts = 5;

    private readonly IMongoCollection<ConversationDocument> conversations = database.Conversations();

    /// <summary>An imported tree too long for one document has its oldest messages in buckets, written first, as roll-overs would have.</summary>
    public async Task CreateAsync(Conversation conversation, IReadOnlyList<StoredMessage> opening, CancellationToken cancellationToken)
    {
        var document = ConversationDocument.From(conversation, opening);
        var (older, live) = buckets.Split(document.Messages);
        if (older.Count > 0)
        {
            await database.ConversationMessages().InsertManyAsync(older.Select((messages, i) => new BucketDocument
            {
                ConversationId = document.Id, UserId = document.UserId, Number = i, Messages = messages, Bytes = messages.Sum(MessageBuckets.Size),
            }), cancellationToken: cancellationToken);
        }
        document.Messages = live;
        document.Buckets = older.Count;
        document.LiveCount = live.Count;
        document.LiveBytes = live.Sum(MessageBuckets.Size);
        await conversations.InsertOneAsync(document, cancellationToken: cancellationToken);
    }

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

        if (query.Words.Count == 0)
        {
            return ConversationListPage.Of(await ListLeavesAsync(ListFilter(ownerId, query), query.Limit + 1, cancellationToken), query.Limit);
        }

        var olderHits = await buckets.ConversationsHoldingAsync(ownerId, TextSearch(query.Words), cancellationToken);
        return ConversationListPage.Of(await SearchAsync(ListFilter(ownerId, query, olderHits), query, cancellationToken), query.Limit);
    }

    /// <summary>
    /// The user's conversations after the cursor; with words, the text index narrows them to those that hold every word somewhere in
    /// their document, or to <paramref name="olderHits"/>, whose buckets do.
    /// </summary>
    internal static FilterDefinition<ConversationDocument> ListFilter(ObjectId ownerId, ConversationListQuery query, IReadOnlyCollection<ObjectId>? olderHits = null)
    {
        var filter = Filter.Eq(d => d.UserId, ownerId);
        if (query.Words.Count > 0)
        {
            var text = Filter.Text(TextSearch(query.Words));
            filter &= olderHits is { Count: > 0 } ? text | Filter.In(d => d.Id, olderHits) : text;
        }
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
        .Include(d => d.Buckets).Slice(d => d.Messages, -1);

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
            var leaf = d.LeafId is not { } leafId || leafId == last?.Id ? last : await FindAsync(Filter.Eq(x => x.Id, d.Id), "id", leafId, cancellationToken);
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
                var older = LatestHolding(d.Messages, query.Words) < 0 && d.Buckets > 0
                    ? await buckets.LatestHoldingAsync(d.UserId, d.Id, d.Buckets, query.Words, TextSearch(query.Words), cancellationToken)
                    : null;
                if (Found(d, query.Words, older) is not { } found) continue;
                listed.Add(found.Leaf is null && d.LeafId is { } leafId
                    ? found with { Leaf = (await FindAsync(Filter.Eq(x => x.Id, d.Id), "id", leafId, cancellationToken))?.ToStoredMessage() }
                    : found);
                if (listed.Count > query.Limit) break;
            }
        }
        return listed;
    }

    /// <summary>
    /// A conversation the text index found, with its latest live message that holds every word (else <paramref name="older"/>, the
    /// latest such in its buckets, else its title when that does), and its leaf when that is live; null when the words are only
    /// spread over several messages (the index matches the document as a whole).
    /// </summary>
    internal static ListedConversation? Found(ConversationDocument d, IReadOnlyList<string> words, MessageDocument? older = null)
    {
        var tree = MessageTree.Of(d);
        var hit = LatestHolding(d.Messages, words);
        FoundText? match = hit >= 0 ? new FoundText(tree.IdAt(hit), d.Messages[hit].Message)
            : older is not null ? new FoundText(older.Id.ToString(), older.Message)
            : ConversationSearch.HoldsAll(words, d.Title) ? new FoundText(null, d.Title!)
            : null;
        if (match is null) return null;
        var leaf = tree.IndexOf(tree.LeafId) is { } at ? d.Messages[at].ToStoredMessage(tree.ParentAt(at)) : null;
        return new ListedConversation(d.ToConversation(tree.LeafId), leaf, match);
    }

    /// <summary>The index of the latest message that holds every word, or −1.</summary>
    internal static int LatestHolding(List<MessageDocument> messages, IReadOnlyList<string> words) =>
        messages.FindLastIndex(m => ConversationSearch.HoldsAll(words, m.Message));

    public async Task<IReadOnlyList<StoredMessage>?> GetAllMessagesAsync(string conversationId, string userId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        // The live document first: a roll-over committed after it is still in what it holds, so nothing is read twice or missed.
        var live = await conversations.Find(OwnerFilter(id, ownerId)).FirstOrDefaultAsync(cancellationToken);
        if (live is null) return null;
        var messages = await buckets.AllAsync(id, live.Buckets, cancellationToken);
        messages.AddRange(live.Messages);
        var tree = MessageTree.Of(live.LeafId, messages.ConvertAll(TreeNode.Of));
        return messages.Select((m, i) => m.ToStoredMessage(tree.ParentAt(i))).ToList();
    }

    public async Task<bool> DeleteAsync(string id, string userId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(id, userId, out var conversationId, out var ownerId))
        {
            return false;
        }

        // The conversation first: once it is gone no read reaches its buckets, even if this stops before they go.
        var result = await conversations.DeleteOneAsync(OwnerFilter(conversationId, ownerId), cancellationToken);
        if (result.DeletedCount == 0) return false;
        await buckets.DeleteAllAsync(conversationId, cancellationToken);
        return true;
    }

    public async Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken cancellationToken)
    {
        // Without a client message id the $ne guard would compare against the replies, which have none.
        ArgumentException.ThrowIfNullOrEmpty(message.ClientMessageId);
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        // The live document's guard sees only live messages: a retry of one rolled over to a bucket is found here. Appends to one
        // conversation take turns (the reply slot), so no roll-over moves the first between this look and the append.
        StoredMessage? existing = null;
        var appended = !await buckets.HoldClientMessageAsync(id, message.ClientMessageId, cancellationToken)
            && await AppendAsync(id, OwnerFilter(id, ownerId), MessageDocument.From(message),
                async () => (existing = await FindByClientMessageIdAsync(id, ownerId, message.ClientMessageId, cancellationToken)) is not null, cancellationToken);
        if (appended)
        {
            return new AppendResult(message, Appended: true);
        }

        // Not appended: a retry whose message is already there (read once: by the append, or here when a bucket holds it),
        // no such conversation for this user, or the parent is gone.
        existing ??= await FindByClientMessageIdAsync(id, ownerId, message.ClientMessageId, cancellationToken);
        return existing is null ? null : new AppendResult(existing, Appended: false);
    }

    public Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken cancellationToken) =>
        TryParseIds(conversationId, userId, out var id, out var ownerId)
            ? FindByClientMessageIdAsync(id, ownerId, clientMessageId, cancellationToken)
            : Task.FromResult<StoredMessage?>(null);

    public Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(conversationId, out var id))
        {
            return Task.FromResult(false);
        }

        var document = MessageDocument.From(reply);
        var identity = Filter.Eq(d => d.Id, id);
        return AppendAsync(id, identity, document, async () => await FindAsync(identity, "id", document.Id, cancellationToken) is not null, cancellationToken);
    }

    public Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken cancellationToken) =>
        // An unknown "before" id has no parent to start from, so the page is empty.
        ReadPathAsync(conversationId, userId, limit, async (window, id) =>
            beforeId is null ? window.Tree.LeafId
            : await LocateAsync(window, id, beforeId, cancellationToken) is { } at ? window.Tree.ParentAt(at)
            : null, cancellationToken);

    public Task<MessageSlice?> GetPathAsync(string conversationId, string userId, string throughId, int limit, CancellationToken cancellationToken) =>
        ReadPathAsync(conversationId, userId, limit, (_, _) => Task.FromResult<string?>(throughId), cancellationToken);

    public async Task<PlacedMessage?> GetMessageAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        var found = await ReadAsync(conversationId, userId, async (window, id) =>
            await LocateAsync(window, id, messageId, cancellationToken) is { } at ? [at] : [], cancellationToken);
        return found?.Placed.SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredMessage>?> GetSiblingsAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        var found = await ReadAsync(conversationId, userId, async (window, id) =>
        {
            if (await LocateAsync(window, id, messageId, cancellationToken) is not { } at) return [];
            await buckets.LoadSiblingsAsync(window, id, [at], cancellationToken);
            return window.Tree.SiblingsAt(window.Tree.IndexOf(messageId)!.Value);
        }, cancellationToken);
        return found is { Messages.Count: > 0 } ? found.Messages : null;
    }

    public async Task<bool> ChangeMessageAsync(string conversationId, string userId, MessageChange change, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId) || !ObjectId.TryParse(change.MessageId, out var messageId))
        {
            return false;
        }

        // Counted as if the old text stayed: the live size is never less than the truth, and the next roll-over measures it again.
        var growth = (long)Encoding.UTF8.GetByteCount(change.Text);
        var owner = OwnerFilter(id, ownerId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            // The positional $ is the element the filter matched by id.
            var live = await conversations.UpdateOneAsync(
                owner & Filter.Eq("messages.id", messageId) & Filter.Lte(d => d.LiveBytes, MessageBuckets.LiveBytesLimit - growth),
                Update.Combine(MessageChangeUpdate<ConversationDocument>(change), Update.Max(d => d.UpdatedAt, change.At).Inc(d => d.Edits, 1).Inc(d => d.LiveBytes, growth)),
                cancellationToken: cancellationToken);
            if (live.MatchedCount == 1) return true;

            var header = await conversations.Find(owner)
                .Project<ConversationDocument>(Projection.Include(d => d.Buckets).Include(d => d.LiveBytes).ElemMatch(d => d.Messages, m => m.Id == messageId))
                .FirstOrDefaultAsync(cancellationToken);
            if (header is null) return false;
            if (header.Messages.Count == 1)
            {
                // Live, but the document is full or was never measured: make room, then try again.
                await buckets.RollOverAsync(id, cancellationToken);
                continue;
            }
            if (!await buckets.ChangeAsync(id, header.Buckets, messageId, MessageChangeUpdate<BucketDocument>(change), growth, cancellationToken)) return false;
            await conversations.UpdateOneAsync(owner, Update.Max(d => d.UpdatedAt, change.At), cancellationToken: cancellationToken);
            return true;
        }
        throw new TimeoutException("The conversation kept changing while a message was changed.");
    }

    public async Task<string?> SelectBranchAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await OpenSubtreeAsync(id, ownerId, messageId, withAlternatives: false, cancellationToken) is not { } window
                || window.Tree.IndexOf(messageId) is null || window.Tree.LatestLeafUnder(messageId) is not { } leaf)
            {
                return null;
            }

            // The leaf must still be there when it is set: a delete since the read (it counts as an edit) makes this try again.
            var result = await conversations.UpdateOneAsync(
                OwnerFilter(id, ownerId) & MessageBuckets.ZeroOrAbsent("edits", window.Header.Edits), Update.Set(d => d.LeafId, ObjectId.Parse(leaf)),
                cancellationToken: cancellationToken);
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
            if (await OpenSubtreeAsync(id, ownerId, messageId, withAlternatives: true, cancellationToken) is not { } window)
            {
                return null;
            }
            var tree = window.Tree;
            var subtree = tree.Subtree(messageId);
            if (subtree.Count == 0) return new DeleteOutcome([], tree.LeafId);
            if (subtree.Overlaps(keep)) return new DeleteOutcome([], tree.LeafId, Refused: true);

            var leaf = tree.LeafId is { } current && !subtree.Contains(current)
                ? current
                : tree.LatestLeafUnder(tree.ParentAt(tree.IndexOf(messageId)!.Value), subtree);
            var byBucket = subtree.GroupBy(m => window.Locate(tree.IndexOf(m)!.Value).Bucket)
                .ToDictionary(g => g.Key, g => g.Select(ObjectId.Parse).ToList());
            var live = byBucket.GetValueOrDefault(ConversationWindow.Live, []);

            // The live document first, pinned to what was read (its messages, its leaf, its edits): a message appended under the
            // subtree meanwhile, a branch selected or a change makes this match nothing and try again. Then the buckets, newest
            // first: a message goes only after everything under it, so a delete cut short leaves a smaller tree, never a lost parent.
            var filter = OwnerFilter(id, ownerId) & Filter.Size(d => d.Messages, window.LiveCount) & Filter.Eq("leaf_id", StoredLeaf(tree))
                & MessageBuckets.ZeroOrAbsent("edits", window.Header.Edits);
            var update = Update.PullFilter(d => d.Messages, m => live.Contains(m.Id)).Inc(d => d.Edits, 1).Inc(d => d.LiveCount, -live.Count);
            update = leaf is null ? update.Unset(d => d.LeafId) : update.Set(d => d.LeafId, ObjectId.Parse(leaf));
            var result = await conversations.UpdateOneAsync(filter, update, cancellationToken: cancellationToken);
            if (result.MatchedCount == 0) continue;
            foreach (var (bucket, ids) in byBucket.Where(b => b.Key != ConversationWindow.Live).OrderByDescending(b => b.Key))
            {
                await buckets.RemoveAsync(id, bucket, ids, CancellationToken.None);
            }
            return new DeleteOutcome([.. subtree], leaf);
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

    /// <summary>A message goes under a parent that is live (a first message under none); one under an older parent takes the slower way.</summary>
    internal static FilterDefinition<ConversationDocument> ParentThere(ObjectId? parentId) =>
        parentId is { } parent ? Filter.Eq("messages.id", parent) : Filter.Empty;

    /// <summary>
    /// Where a message may go in one write: the conversation <paramref name="identity"/> names, if it does not hold the message yet
    /// (by client message id for a user message, else by id) and its live document has room for <paramref name="size"/> more bytes.
    /// A document written before buckets has no size yet, so it is measured first.
    /// </summary>
    internal static FilterDefinition<ConversationDocument> AppendFilter(FilterDefinition<ConversationDocument> identity, MessageDocument message, long size) =>
        identity
        & (message.ClientMessageId is { } client ? Filter.Ne("messages.client_message_id", client) : Filter.Ne("messages.id", message.Id))
        & Filter.Lte(d => d.LiveBytes, MessageBuckets.LiveBytesLimit - size);

    /// <summary>The message, the leaf, the time and the live size in one update; a user message marks the reply it awaits, a reply clears the mark.</summary>
    internal static UpdateDefinition<ConversationDocument> AppendUpdate(MessageDocument message, long size)
    {
        var update = Update
            .Push(d => d.Messages, message)
            .Set(d => d.LeafId, message.Id)
            .Max(d => d.UpdatedAt, message.Timestamp) // $max: a late reply never moves the conversation back in the list
            .Inc(d => d.LiveCount, 1)
            .Inc(d => d.LiveBytes, size);
        return message.Sender == MessageValues.SenderUser && message.ReplyId is { } awaited
            ? update.Set(d => d.AwaitingReplyId, awaited)
            : update.Unset(d => d.AwaitingReplyId);
    }

    /// <summary>
    /// Appends the message in one write; false when it was there already, or the conversation or the parent is not. The usual case is
    /// one write under a live parent; a parent in a bucket, or a live document that must be measured or rolled over first, takes more.
    /// </summary>
    private async Task<bool> AppendAsync(
        ObjectId id, FilterDefinition<ConversationDocument> identity, MessageDocument message, Func<Task<bool>> alreadyThere, CancellationToken cancellationToken)
    {
        var size = MessageBuckets.Size(message);
        var guard = AppendFilter(identity, message, size);
        var update = AppendUpdate(message, size);
        var header = Projection.Include(d => d.Buckets).Include(d => d.Edits).Include(d => d.LiveBytes)
            .ElemMatch(d => d.Messages, m => m.Id == (message.ParentId ?? ObjectId.Empty));
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await TryAppendAsync(id, guard & ParentThere(message.ParentId), update, cancellationToken)) return true;
            if (await alreadyThere()) return false;
            var live = await conversations.Find(identity).Project<ConversationDocument>(header).FirstOrDefaultAsync(cancellationToken);
            if (live is null) return false;
            if (live.LiveBytes is not { } bytes || bytes > MessageBuckets.LiveBytesLimit - size)
            {
                await buckets.RollOverAsync(id, cancellationToken);
                continue;
            }
            if (message.ParentId is not { } parent || live.Messages.Count > 0) continue; // the parent is live: a roll-over moved things meanwhile
            if (await buckets.FindAsync(id, live.Buckets, "id", parent, cancellationToken) is null) return false;

            // The parent is in a bucket: the write is pinned to the edit count, which a delete since would have moved.
            if (await TryAppendAsync(id, guard & MessageBuckets.ZeroOrAbsent("edits", live.Edits), update, cancellationToken)) return true;
        }
        throw new TimeoutException("The conversation kept changing while a message was appended.");
    }

    /// <summary>One append; when it leaves the live document due a roll-over, the roll-over follows (its failure is not the append's).</summary>
    private async Task<bool> TryAppendAsync(ObjectId id, FilterDefinition<ConversationDocument> filter, UpdateDefinition<ConversationDocument> update, CancellationToken cancellationToken)
    {
        var after = await conversations.FindOneAndUpdateAsync(filter, update,
            new FindOneAndUpdateOptions<ConversationDocument> { Projection = Sizes, ReturnDocument = ReturnDocument.After }, cancellationToken);
        if (after is null) return false;
        if (buckets.Due(after)) await buckets.TryRollOverAsync(id, CancellationToken.None);
        return true;
    }

    /// <summary>A change to the element the filter matched by id (the positional <c>$</c>), in the conversation or in a bucket.</summary>
    private static UpdateDefinition<T> MessageChangeUpdate<T>(MessageChange change)
    {
        var update = Builders<T>.Update.Set("messages.$.message", change.Text);
        if (change.Edited) update = update.Set("messages.$.edited", true);
        if (change.Status is not null) update = update.Set("messages.$.status", change.Status);
        if (change.RequestId is not null) update = update.Set("messages.$.request_id", change.RequestId);
        if (ReplyUsageDocument.From(change.Usage) is { } usage) update = update.Set("messages.$.usage", usage);
        return update;
    }

    private static BsonValue StoredLeaf(MessageTree tree) => tree.StoredLeafId is { } stored ? ObjectId.Parse(stored) : BsonNull.Value;

    private async Task<ConversationWindow?> OpenAsync(ObjectId id, ObjectId ownerId, CancellationToken cancellationToken)
    {
        var live = await conversations.Find(OwnerFilter(id, ownerId)).Project<TreeDocument>(TreeOnly).FirstOrDefaultAsync(cancellationToken);
        return live is null ? null : new ConversationWindow(live);
    }

    /// <summary>The message's index in the window, loading the bucket that holds it when it is not live; null when it is nowhere.</summary>
    private async Task<int?> LocateAsync(ConversationWindow window, ObjectId id, string messageId, CancellationToken cancellationToken) =>
        window.Tree.IndexOf(messageId) ?? (await buckets.LoadHoldingAsync(window, id, messageId, cancellationToken) ? window.Tree.IndexOf(messageId) : null);

    /// <summary>
    /// The window a subtree read needs: every bucket from the message's on, or from its parent's to see its alternatives too (all of
    /// them for a first message). A message's subtree comes after it, so the buckets before are never read.
    /// </summary>
    private async Task<ConversationWindow?> OpenSubtreeAsync(ObjectId id, ObjectId ownerId, string messageId, bool withAlternatives, CancellationToken cancellationToken)
    {
        if (await OpenAsync(id, ownerId, cancellationToken) is not { } window) return null;
        if (await LocateAsync(window, id, messageId, cancellationToken) is not { } at) return window;
        var from = window.Locate(at).Bucket;
        if (withAlternatives && window.Tree.ParentAt(at) is var parent)
        {
            from = parent is null ? 0 : await LocateAsync(window, id, parent, cancellationToken) is { } p ? Math.Min(from, window.Locate(p).Bucket) : from;
        }
        if (from != ConversationWindow.Live) await buckets.LoadTreesFromAsync(window, id, from, cancellationToken);
        return window;
    }

    /// <summary>The last <paramref name="limit"/> messages of the path to the message <paramref name="end"/> picks (none when it picks none).</summary>
    private Task<MessageSlice?> ReadPathAsync(
        string conversationId, string userId, int limit, Func<ConversationWindow, ObjectId, Task<string?>> end, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var hasMore = false;
        return ReadAsync(conversationId, userId, async (window, id) =>
        {
            var path = await ClimbAsync(window, id, await end(window, id), limit + 1, cancellationToken);
            hasMore = path.Count > limit;
            return hasMore ? path[^limit..] : path;
        }, cancellationToken, () => hasMore);
    }

    /// <summary>The path from the root to the message, or at least its last <paramref name="wanted"/> messages: the buckets it climbs into load one by one.</summary>
    private async Task<List<int>> ClimbAsync(ConversationWindow window, ObjectId id, string? end, int wanted, CancellationToken cancellationToken)
    {
        if (end is null || await LocateAsync(window, id, end, cancellationToken) is null) return [];
        while (true)
        {
            var path = window.Tree.PathTo(end);
            if (path.Count >= wanted || window.Tree.ParentAt(path[0]) is not { } parent || !await buckets.LoadHoldingAsync(window, id, parent, cancellationToken))
            {
                return path;
            }
        }
    }

    /// <summary>
    /// The messages <paramref name="pick"/> chooses from the window, in its order, with their places: the skeleton, the buckets the
    /// pick and the places need, then one <c>$slice</c> of the live array. Null when the user has no such conversation.
    /// </summary>
    private async Task<MessageSlice?> ReadAsync(
        string conversationId, string userId, Func<ConversationWindow, ObjectId, Task<List<int>>> pick, CancellationToken cancellationToken, Func<bool>? hasMore = null)
    {
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            if (await OpenAsync(id, ownerId, cancellationToken) is not { } window)
            {
                return null;
            }
            var picked = await pick(window, id);
            if (picked.Count == 0)
            {
                return new MessageSlice([], hasMore?.Invoke() ?? false, []);
            }

            // Loading the alternatives' buckets renumbers the tree, so the picks are kept by id.
            var ids = picked.ConvertAll(window.Tree.IdAt);
            await buckets.LoadSiblingsAsync(window, id, picked, cancellationToken);
            var positions = ids.ConvertAll(m => window.Tree.IndexOf(m)!.Value);
            if (await BodiesAsync(window, OwnerFilter(id, ownerId), positions, cancellationToken) is { } messages)
            {
                return new MessageSlice(messages, hasMore?.Invoke() ?? false, positions.ConvertAll(window.Tree.PlaceAt));
            }
        }
        throw new TimeoutException("The conversation kept changing while it was read.");
    }

    /// <summary>
    /// The messages at the positions, with their parents: those in buckets as loaded, the live ones by one <c>$slice</c> from the first
    /// to the last. Null when the live array changed since its skeleton was read (a delete or a roll-over shifts it).
    /// </summary>
    private async Task<List<StoredMessage>?> BodiesAsync(ConversationWindow window, FilterDefinition<ConversationDocument> owner, List<int> positions, CancellationToken cancellationToken)
    {
        var live = positions.Select(window.Locate).Where(l => l.Bucket == ConversationWindow.Live).Select(l => l.Offset).ToList();
        var (first, slice) = (0, new List<MessageDocument>());
        if (live.Count > 0)
        {
            first = live.Min();
            var document = await conversations.Find(owner).Project<ConversationDocument>(Projection.Slice(d => d.Messages, first, live.Max() - first + 1))
                .FirstOrDefaultAsync(cancellationToken);
            if (document is null) return null;
            slice = document.Messages;
        }

        var messages = new List<StoredMessage>(positions.Count);
        foreach (var position in positions)
        {
            var (bucket, offset) = window.Locate(position);
            var body = bucket != ConversationWindow.Live ? window.Body(position) : offset - first < slice.Count ? slice[offset - first] : null;
            if (body is null || body.Id.ToString() != window.Tree.IdAt(position)) return null;
            messages.Add(body.ToStoredMessage(window.Tree.ParentAt(position)));
        }
        return messages;
    }

    /// <summary>The message <paramref name="field"/> picks, live or in a committed bucket, of the conversation <paramref name="identity"/> names.</summary>
    private async Task<MessageDocument?> FindAsync(FilterDefinition<ConversationDocument> identity, string field, BsonValue value, CancellationToken cancellationToken)
    {
        var live = await conversations.Find(identity)
            .Project<ConversationDocument>(Projection.Include(d => d.Buckets).ElemMatch("messages", Builders<MessageDocument>.Filter.Eq(field, value)))
            .FirstOrDefaultAsync(cancellationToken);
        return live is null ? null : live.Messages.SingleOrDefault() ?? await buckets.FindAsync(live.Id, live.Buckets, field, value, cancellationToken);
    }

    private async Task<StoredMessage?> FindByClientMessageIdAsync(ObjectId id, ObjectId userId, string clientMessageId, CancellationToken cancellationToken) =>
        (await FindAsync(OwnerFilter(id, userId), "client_message_id", clientMessageId, cancellationToken))?.ToStoredMessage();

    /// <summary>Ids come from URLs and hub calls; one that is not an ObjectId names no conversation, as in the SQLite store.</summary>
    private static bool TryParseIds(string id, string userId, out ObjectId conversationId, out ObjectId ownerId) =>
        ObjectId.TryParse(id, out conversationId) & ObjectId.TryParse(userId, out ownerId);
}
