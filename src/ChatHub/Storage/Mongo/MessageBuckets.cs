using ChatHub.Chat;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// A conversation's older messages, in <c>conversation_messages</c> buckets, and the roll-over that moves them there.
/// The conversation document keeps the recent ones, up to <see cref="ChatSettings.LiveMessages"/> (and <see cref="LiveBytes"/>);
/// past that, the oldest half goes to the next bucket. A roll-over writes the bucket, then commits it in the conversation
/// document in one write that also drops the messages it moved, pinned to what it read (the bucket count, the edit count and the
/// number of messages): a crash between the two leaves a bucket no read looks at, which the next roll-over writes again; two
/// roll-overs at once write the same bucket and only one commits.
/// </summary>
internal sealed partial class MessageBuckets(IMongoDatabase database, IOptions<ChatSettings> settings, ILogger<MessageBuckets> logger)
{
    /// <summary>Past this many bytes of live messages a roll-over moves some out, even when there are fewer than <see cref="ChatSettings.LiveMessages"/>.</summary>
    public const long LiveBytes = 4 << 20;

    /// <summary>No message is appended to a live document this big until a roll-over has made room: it stays well under MongoDB's 16 MiB.</summary>
    public const long LiveBytesLimit = 12 << 20;

    /// <summary>A roll-over fills a bucket up to this many bytes (or half of <see cref="ChatSettings.LiveMessages"/> messages).</summary>
    public const long BucketBytes = 4 << 20;

    /// <summary>A change that would grow a bucket past this is refused: the bucket stays under MongoDB's 16 MiB.</summary>
    public const long BucketBytesLimit = 15 << 20;

    private const int Attempts = 5;

    private static readonly FilterDefinitionBuilder<BucketDocument> Filter = Builders<BucketDocument>.Filter;
    private static readonly ProjectionDefinitionBuilder<BucketDocument> Projection = Builders<BucketDocument>.Projection;
    private static readonly ProjectionDefinition<BucketDocument> TreeOnly =
        Projection.Include(b => b.Number).Include("messages.id").Include("messages.parent_id").Include("messages.root");

    private readonly IMongoCollection<BucketDocument> _buckets = database.ConversationMessages();
    private readonly IMongoCollection<ConversationDocument> _conversations = database.Conversations();

    public int LiveMessages => settings.Value.LiveMessages;

    public int BucketMessages => LiveMessages / 2;

    /// <summary>The conversation's committed buckets (numbers below <paramref name="committed"/>).</summary>
    internal static FilterDefinition<BucketDocument> Committed(ObjectId conversationId, int committed) =>
        Filter.Eq(b => b.ConversationId, conversationId) & Filter.Lt(b => b.Number, committed);

    /// <summary>Loads the committed bucket that holds the message; false when none does.</summary>
    public async Task<bool> LoadHoldingAsync(ConversationWindow window, ObjectId conversationId, string messageId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(messageId, out var id)) return false;
        var bucket = await _buckets.Find(Committed(conversationId, window.Header.Buckets) & Filter.Eq("messages.id", id)).FirstOrDefaultAsync(cancellationToken);
        if (bucket is null || window.Holds(bucket.Number)) return false; // one loaded already adds nothing: no read goes round in circles
        window.Add(bucket.Number, bucket.Messages.ConvertAll(TreeNode.Of), bucket.Messages);
        return true;
    }

    /// <summary>
    /// Loads every committed bucket that holds an alternative of a message at <paramref name="positions"/>, so the tree gives each its
    /// place: a message's alternatives share its parent and come after it, so a parent that is live has them all live too.
    /// </summary>
    public async Task LoadSiblingsAsync(ConversationWindow window, ObjectId conversationId, IEnumerable<int> positions, CancellationToken cancellationToken)
    {
        var tree = window.Tree;
        var parents = new HashSet<string?>();
        foreach (var position in positions)
        {
            var parent = tree.ParentAt(position);
            var from = parent is null ? 0 : tree.IndexOf(parent) is { } at ? window.Locate(at).Bucket : 0;
            if (!window.HoldsFrom(from)) parents.Add(parent);
        }
        if (parents.Count == 0) return;

        // A first message's alternatives are the other first messages: those with no parent_id (buckets hold no message from before trees).
        var filter = Committed(conversationId, window.Header.Buckets)
            & Filter.Nin(b => b.Number, window.LoadedBuckets)
            & Filter.In("messages.parent_id", parents.Select(p => p is null ? BsonNull.Value : (BsonValue)ObjectId.Parse(p)));
        var found = await _buckets.Find(filter).ToListAsync(cancellationToken);
        foreach (var bucket in found) window.Add(bucket.Number, bucket.Messages.ConvertAll(TreeNode.Of), bucket.Messages);
    }

    /// <summary>Loads the ids and parents of every committed bucket from <paramref name="from"/> on, for a read of a whole subtree.</summary>
    public async Task LoadTreesFromAsync(ConversationWindow window, ObjectId conversationId, int from, CancellationToken cancellationToken)
    {
        if (window.HoldsFrom(from)) return;
        var filter = Committed(conversationId, window.Header.Buckets) & Filter.Gte(b => b.Number, from) & Filter.Nin(b => b.Number, window.LoadedBuckets);
        var found = await _buckets.Find(filter).Project<BucketTree>(TreeOnly).ToListAsync(cancellationToken);
        foreach (var bucket in found) window.Add(bucket.Number, bucket.Messages, null);
    }

    /// <summary>Every committed bucket's messages, oldest first.</summary>
    public async Task<List<MessageDocument>> AllAsync(ObjectId conversationId, int committed, CancellationToken cancellationToken)
    {
        if (committed == 0) return [];
        var found = await _buckets.Find(Committed(conversationId, committed)).SortBy(b => b.Number).ToListAsync(cancellationToken);
        return [.. found.SelectMany(b => b.Messages)];
    }

    /// <summary>The message in a committed bucket that <paramref name="field"/> equal to <paramref name="value"/> picks, or null.</summary>
    public async Task<MessageDocument?> FindAsync(ObjectId conversationId, int committed, string field, BsonValue value, CancellationToken cancellationToken)
    {
        if (committed == 0) return null;
        var found = await _buckets.Find(Committed(conversationId, committed) & Filter.Eq($"messages.{field}", value))
            .Project<BucketDocument>(Projection.Include(b => b.Number).ElemMatch("messages", Builders<MessageDocument>.Filter.Eq(field, value)))
            .FirstOrDefaultAsync(cancellationToken);
        return found?.Messages.SingleOrDefault();
    }

    /// <summary>The user's conversations with a bucket that holds every word somewhere (the text index, as on conversation documents).</summary>
    public async Task<List<ObjectId>> ConversationsHoldingAsync(ObjectId userId, string textSearch, CancellationToken cancellationToken)
    {
        var found = await _buckets.Find(Filter.Eq(b => b.UserId, userId) & Filter.Text(textSearch))
            .Project(b => b.ConversationId).ToListAsync(cancellationToken);
        return [.. found.Distinct()];
    }

    /// <summary>The latest message in a committed bucket that holds every word, or null: the buckets the index finds, newest first.</summary>
    public async Task<MessageDocument?> LatestHoldingAsync(
        ObjectId userId, ObjectId conversationId, int committed, IReadOnlyList<string> words, string textSearch, CancellationToken cancellationToken)
    {
        using var cursor = await _buckets.Find(Filter.Eq(b => b.UserId, userId) & Filter.Text(textSearch) & Committed(conversationId, committed))
            .SortByDescending(b => b.Number).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var bucket in cursor.Current)
            {
                if (MongoConversationStore.LatestHolding(bucket.Messages, words) is var hit and >= 0) return bucket.Messages[hit];
            }
        }
        return null;
    }

    /// <summary>True when a bucket, committed or not, holds a message with this client message id (a roll-over not committed yet still has it live too).</summary>
    public Task<bool> HoldClientMessageAsync(ObjectId conversationId, string clientMessageId, CancellationToken cancellationToken) =>
        _buckets.Find(Filter.Eq(b => b.ConversationId, conversationId) & Filter.Eq("messages.client_message_id", clientMessageId)).Limit(1).AnyAsync(cancellationToken);

    /// <summary>Replaces a message's fields in the committed bucket that holds it, and seals the bucket; false when none does (or the change would not fit).</summary>
    public async Task<bool> ChangeAsync(ObjectId conversationId, int committed, ObjectId messageId, UpdateDefinition<BucketDocument> change, long growth, CancellationToken cancellationToken)
    {
        var filter = Committed(conversationId, committed) & Filter.Eq("messages.id", messageId) & Filter.Lte(b => b.Bytes, BucketBytesLimit - growth);
        var update = Builders<BucketDocument>.Update.Combine(change, Builders<BucketDocument>.Update.Set(b => b.Sealed, true).Inc(b => b.Bytes, growth));
        return (await _buckets.UpdateOneAsync(filter, update, cancellationToken: cancellationToken)).MatchedCount == 1;
    }

    /// <summary>Removes the messages from the committed bucket, and seals it.</summary>
    public Task RemoveAsync(ObjectId conversationId, int bucket, List<ObjectId> ids, CancellationToken cancellationToken) =>
        _buckets.UpdateOneAsync(Filter.Eq(b => b.ConversationId, conversationId) & Filter.Eq(b => b.Number, bucket),
            Builders<BucketDocument>.Update.PullFilter(b => b.Messages, m => ids.Contains(m.Id)).Set(b => b.Sealed, true), cancellationToken: cancellationToken);

    public Task DeleteAllAsync(ObjectId conversationId, CancellationToken cancellationToken) =>
        _buckets.DeleteManyAsync(Filter.Eq(b => b.ConversationId, conversationId), cancellationToken);

    /// <summary>True when the live document holds more than it should, or was written before buckets and has never been measured.</summary>
    public bool Due(ConversationDocument live) =>
        live.LiveCount is not { } count || live.LiveBytes is not { } bytes || count > LiveMessages || bytes > LiveBytes;

    /// <summary>
    /// The live messages split as a new conversation's are stored: the buckets to write first, numbered from 0, and what stays live.
    /// </summary>
    public (List<List<MessageDocument>> Buckets, List<MessageDocument> Live) Split(List<MessageDocument> messages)
    {
        var sizes = messages.ConvertAll(Size);
        var buckets = new List<List<MessageDocument>>();
        var from = 0;
        while (Chunk(sizes, from) is var take and > 0)
        {
            buckets.Add(messages.GetRange(from, take));
            from += take;
        }
        return (buckets, messages.GetRange(from, messages.Count - from));
    }

    public static long Size(MessageDocument message) => message.ToBson().Length;

    /// <summary>Rolls the conversation over until its live document is within bounds; a failure is logged, and the next append tries again.</summary>
    public async Task TryRollOverAsync(ObjectId conversationId, CancellationToken cancellationToken)
    {
        try
        {
            await RollOverAsync(conversationId, cancellationToken);
        }
        catch (Exception ex) when (ex is MongoException or TimeoutException)
        {
            LogRollOverFailed(logger, ex, conversationId.ToString());
        }
    }

    /// <summary>Moves bucket after bucket until nothing is due; gives up after a few commits that lost to another writer.</summary>
    public async Task RollOverAsync(ObjectId conversationId, CancellationToken cancellationToken)
    {
        for (var lost = 0; lost < Attempts && await PlanAsync(conversationId, cancellationToken) is { } plan;)
        {
            if (!await WriteAsync(plan, cancellationToken) || !await CommitAsync(plan, cancellationToken)) lost++;
            else if (plan.Moved.Count == 0) return; // measured; one message bigger than the bound stays live alone
        }
    }

    /// <summary>
    /// The first step: reads the live document and picks what moves (nothing, when it only needs measuring); null when nothing is due.
    /// Every message gets an explicit parent, so one written before trees keeps its place wherever it goes.
    /// </summary>
    internal async Task<RollOverPlan?> PlanAsync(ObjectId conversationId, CancellationToken cancellationToken)
    {
        var live = await _conversations.Find(Builders<ConversationDocument>.Filter.Eq(d => d.Id, conversationId)).FirstOrDefaultAsync(cancellationToken);
        if (live is null || !Due(live)) return null;

        var tree = MessageTree.Of(live);
        var messages = live.Messages.Select((m, i) => WithParent(m, tree.ParentAt(i))).ToList();
        var sizes = messages.ConvertAll(Size);
        var take = Chunk(sizes, 0);
        return new RollOverPlan(live.Id, live.UserId, live.Buckets, live.Edits, messages.Count,
            messages.GetRange(0, take), messages.GetRange(take, messages.Count - take), sizes.Take(take).Sum(), sizes.Skip(take).Sum());
    }

    /// <summary>The second step: writes the bucket, over one an earlier roll-over left uncommitted; false when a newer one got there first.</summary>
    internal async Task<bool> WriteAsync(RollOverPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Moved.Count == 0) return true;
        var filter = Filter.Eq(b => b.ConversationId, plan.ConversationId) & Filter.Eq(b => b.Number, plan.Bucket)
            & Filter.Ne(b => b.Sealed, true) & Filter.Lte(b => b.Edits, plan.Edits);
        var update = Builders<BucketDocument>.Update
            .Set(b => b.UserId, plan.UserId).Set(b => b.Edits, plan.Edits).Set(b => b.Bytes, plan.MovedBytes).Set(b => b.Messages, plan.Moved);
        try
        {
            await _buckets.UpdateOneAsync(filter, update, new UpdateOptions { IsUpsert = true }, cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    /// <summary>The last step: one write that counts the bucket in and keeps only the rest live, if the document is still as read.</summary>
    internal async Task<bool> CommitAsync(RollOverPlan plan, CancellationToken cancellationToken)
    {
        var filter = Builders<ConversationDocument>.Filter;
        var update = Builders<ConversationDocument>.Update
            .Set(d => d.Messages, plan.Kept).Set(d => d.LiveCount, plan.Kept.Count).Set(d => d.LiveBytes, plan.KeptBytes)
            .Set(d => d.Buckets, plan.Bucket + (plan.Moved.Count > 0 ? 1 : 0));
        var result = await _conversations.UpdateOneAsync(
            filter.Eq(d => d.Id, plan.ConversationId) & ZeroOrAbsent("buckets", plan.Bucket) & ZeroOrAbsent("edits", plan.Edits) & filter.Size(d => d.Messages, plan.Count),
            update, cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    /// <summary>The field equals the value; 0 also matches a document written before the field was (it is left out when 0).</summary>
    internal static FilterDefinition<ConversationDocument> ZeroOrAbsent(string field, long value) =>
        value == 0
            ? Builders<ConversationDocument>.Filter.In(field, new BsonValue[] { BsonNull.Value, 0 })
            : Builders<ConversationDocument>.Filter.Eq(field, value);

    /// <summary>How many messages from <paramref name="from"/> go to the next bucket: none while the rest is within bounds.</summary>
    private int Chunk(List<long> sizes, int from)
    {
        var count = sizes.Count - from;
        if (count <= LiveMessages && sizes.Skip(from).Sum() <= LiveBytes) return 0;
        var (take, bytes) = (0, 0L);
        while (take < BucketMessages && take < count - 1 && (take == 0 || bytes + sizes[from + take] <= BucketBytes))
        {
            bytes += sizes[from + take];
            take++;
        }
        return take;
    }

    private static MessageDocument WithParent(MessageDocument message, string? parentId)
    {
        message.ParentId = parentId is null ? null : ObjectId.Parse(parentId);
        message.Root = parentId is null;
        return message;
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Warning, Message = "Conversation {ConversationId} could not roll its older messages over to a bucket; the next append tries again")]
    private static partial void LogRollOverFailed(ILogger logger, Exception exception, string conversationId);
}

/// <summary>What a roll-over read and decided: the messages it moves to bucket <paramref name="Bucket"/> and those that stay live.</summary>
internal sealed record RollOverPlan(
    ObjectId ConversationId, ObjectId UserId, int Bucket, long Edits, int Count,
    List<MessageDocument> Moved, List<MessageDocument> Kept, long MovedBytes, long KeptBytes);

/// <summary>The projection of a bucket that a subtree read takes: its number, and its messages' ids and parents.</summary>
[BsonIgnoreExtraElements]
internal sealed class BucketTree
{
    [BsonElement("bucket")]
    public int Number { get; set; }

    [BsonElement("messages")]
    public List<TreeNode> Messages { get; set; } = [];
}
