using System.Collections.Concurrent;
using ChatHub.Chat;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Storage.Mongo;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace ChatHub.Tests.Storage;

/// <summary>
/// The MongoDB store's buckets (issue 16), read back raw with the driver: bounds no document may pass (the wire test server does
/// not enforce MongoDB's 16 MiB, so these tests do), a roll-over cut short at each step, two at once, and documents from before.
/// </summary>
public sealed class MongoBucketTests
{
    private const int MaxBsonBytes = 16 * 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheLiveDocumentAndEveryBucketStayWithinTheirBoundsWhateverTheMessageSizes()
    {
        // So many messages are allowed live that only their bytes roll them over.
        await using var host = await StoreHost.MongoAsync(liveMessages: 2000);
        var (store, raw) = (host.Get<IConversationStore>(), Raw(host));
        var conversation = await CreateAsync(store);
        // From a few bytes to the largest a user may send (16,000 characters of three UTF-8 bytes each) and replies past that.
        string[] texts = ["Hi.", new string('a', 2_000), new string('€', 16_000), new string('b', 120_000)];
        var sent = new List<StoredMessage>();
        for (var i = 0; i < 360; i++)
        {
            sent.Add(await AppendAsync(store, conversation, sent.LastOrDefault()?.Id, texts[i % texts.Length]));
            if (i % 15 == 14) await AssertWithinBoundsAsync(raw, conversation, liveMessages: 2000);
        }

        Assert.Equal(sent, await store.GetAllMessagesAsync(conversation.Id, conversation.UserId, Ct));
        Assert.InRange((await raw.Live(conversation)).Buckets, 2, 5);
    }

    [Fact]
    public async Task ManySmallMessagesRollOverByCountAndReadBackPageByPage()
    {
        await using var host = await StoreHost.MongoAsync(liveMessages: 10);
        var (store, raw) = (host.Get<IConversationStore>(), Raw(host));
        var conversation = await CreateAsync(store);
        var sent = await AppendManyAsync(store, conversation, 95);

        await AssertWithinBoundsAsync(raw, conversation, liveMessages: 10);
        Assert.Equal(17, (await raw.Live(conversation)).Buckets);
        await AssertWholeAsync(store, conversation, sent);
    }

    [Fact]
    public async Task TheLatestPageReadsOneDocumentAndOlderReadsOnlyTheBucketsTheyNeedByIndex()
    {
        var sent = new ConcurrentQueue<BsonDocument>();
        await using var host = await StoreHost.MongoAsync(liveMessages: 20,
            client: s => s.ClusterConfigurator = c => c.Subscribe<CommandStartedEvent>(e => { if (e.CommandName == "find") sent.Enqueue(BsonSerializer.Deserialize<BsonDocument>(e.Command.ToBson())); }));
        var store = host.Get<IConversationStore>();
        var conversation = await CreateAsync(store);
        var messages = await AppendManyAsync(store, conversation, 1000);

        sent.Clear();
        var latest = await store.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct);
        Assert.Equal(messages[^10..], latest?.Messages);
        // Two finds of the one document: its skeleton, then the $slice.
        Assert.Equal(["conversations", "conversations"], sent.Select(find => find["find"].AsString));

        sent.Clear();
        var older = await store.GetMessagesAsync(conversation.Id, conversation.UserId, 10, messages[500].Id, Ct);
        Assert.Equal(messages[490..500], older?.Messages);
        AssertBucketReadsByIndex(sent, atMost: 4);

        // The prompt's history: the last 100 of the branch, 80 of them in eight or nine buckets of 98.
        sent.Clear();
        var history = await store.GetPathAsync(conversation.Id, conversation.UserId, messages[^1].Id, 100, Ct);
        Assert.Equal(messages[^100..], history?.Messages);
        AssertBucketReadsByIndex(sent, atMost: 12);
    }

    /// <summary>Few bucket reads, each by one conversation's message id or parent (an index), never a scan of the conversation.</summary>
    private static void AssertBucketReadsByIndex(IEnumerable<BsonDocument> finds, int atMost)
    {
        var buckets = finds.Where(f => f["find"].AsString == "conversation_messages").ToList();
        Assert.InRange(buckets.Count, 1, atMost);
        Assert.All(buckets, f => Assert.True(f["filter"].AsBsonDocument.Names.Intersect(["messages.id", "messages.parent_id"]).Any(), f["filter"].ToJson()));
    }

    [Fact]
    public async Task ARollOverCutShortAtEachStepLosesAndDoublesNothingAndTheNextOneFinishesIt()
    {
        // The store itself would roll over at 1,000; the steps are driven by hand at 10.
        await using var host = await StoreHost.MongoAsync(liveMessages: 1000);
        var (store, raw, steps) = (host.Get<IConversationStore>(), Raw(host), Steps(host, liveMessages: 10));
        var conversation = await CreateAsync(store);
        var sent = await AppendManyAsync(store, conversation, 30);
        var id = ObjectId.Parse(conversation.Id);

        // Cut short after reading: nothing was written.
        var plan = await steps.PlanAsync(id, Ct);
        Assert.NotNull(plan);
        Assert.Equal(5, plan.Moved.Count);
        await AssertWholeAsync(store, conversation, sent);

        // Cut short after writing the bucket: it is there, not committed, and no read sees its messages twice.
        Assert.True(await steps.WriteAsync(plan, Ct));
        Assert.Equal(1, await raw.Buckets.CountDocumentsAsync(b => b.ConversationId == id, cancellationToken: Ct));
        Assert.Equal(0, (await raw.Live(conversation)).Buckets);
        await AssertWholeAsync(store, conversation, sent);

        // A message of that bucket is edited meanwhile: the stale commit matches nothing, and the edit is kept.
        var edited = sent[2] with { Text = "Edited while a roll-over was half done", Edited = true };
        Assert.True(await store.ChangeMessageAsync(conversation.Id, conversation.UserId, new MessageChange(edited.Id, edited.Text, Now, Edited: true), Ct));
        sent[2] = edited;
        Assert.False(await steps.CommitAsync(plan, Ct));
        await AssertWholeAsync(store, conversation, sent);

        // The next roll-over writes the bucket again and finishes, and the conversation goes on.
        await steps.RollOverAsync(id, Ct);
        Assert.Equal(4, (await raw.Live(conversation)).Buckets);
        await AssertWholeAsync(store, conversation, sent);
        sent.AddRange(await AppendManyAsync(store, conversation, 7, sent[^1].Id));
        await AssertWholeAsync(store, conversation, sent);
        Assert.Equal(edited.Text, (await store.GetMessageAsync(conversation.Id, conversation.UserId, edited.Id, Ct))?.Message.Text);
    }

    [Fact]
    public async Task TwoRollOversAtOnceCommitEachBucketOnceAndLoseNothing()
    {
        await using var host = await StoreHost.MongoAsync(liveMessages: 1000);
        var (store, raw) = (host.Get<IConversationStore>(), Raw(host));
        var (first, second) = (Steps(host, liveMessages: 10), Steps(host, liveMessages: 10));
        var conversation = await CreateAsync(store);
        var sent = await AppendManyAsync(store, conversation, 40);
        var id = ObjectId.Parse(conversation.Id);

        // Both read the same state and write the same bucket; only the first commit counts.
        var (a, b) = (await first.PlanAsync(id, Ct), await second.PlanAsync(id, Ct));
        Assert.True(await first.WriteAsync(a!, Ct));
        Assert.True(await second.WriteAsync(b!, Ct));
        Assert.True(await first.CommitAsync(a!, Ct));
        Assert.False(await second.CommitAsync(b!, Ct));
        await AssertWholeAsync(store, conversation, sent);

        // A message of the committed bucket is changed; a late writer of that bucket no longer writes over it.
        sent[1] = sent[1] with { Text = "Changed in its bucket", Edited = true };
        Assert.True(await store.ChangeMessageAsync(conversation.Id, conversation.UserId, new MessageChange(sent[1].Id, sent[1].Text, Now, Edited: true), Ct));
        Assert.False(await second.WriteAsync(b!, Ct));
        await AssertWholeAsync(store, conversation, sent);

        // Then many at once, while the conversation grows.
        var appending = AppendManyAsync(store, conversation, 30, sent[^1].Id);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? first : second).RollOverAsync(id, Ct)));
        sent.AddRange(await appending);
        await first.RollOverAsync(id, Ct);

        await AssertWithinBoundsAsync(raw, conversation, liveMessages: 10);
        await AssertWholeAsync(store, conversation, sent);
    }

    [Fact]
    public async Task AConversationFromBeforeBucketsIsMeasuredAndRolledOverByItsNextAppend()
    {
        await using var host = await StoreHost.MongoAsync(liveMessages: 10);
        var (store, raw) = (host.Get<IConversationStore>(), Raw(host));
        var (conversationId, userId) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var at = new BsonDateTime(DateTime.UtcNow);
        // As issue 12 wrote it: no parent_id, no leaf_id, no sizes.
        var old = Enumerable.Range(0, 40).Select(i => new BsonDocument
        {
            { "id", ObjectId.GenerateNewId() }, { "sender", i % 2 == 0 ? "user" : "ai" }, { "message", $"Old {i}" }, { "timestamp", at },
        }).ToList();
        await host.Get<IMongoDatabase>().GetCollection<BsonDocument>("conversations").InsertOneAsync(new BsonDocument
        {
            { "_id", conversationId }, { "user_id", userId }, { "character_id", ObjectId.GenerateNewId() }, { "created_at", at }, { "updated_at", at },
            { "messages", new BsonArray(old) },
        }, cancellationToken: Ct);
        var conversation = new Conversation(conversationId.ToString(), userId.ToString(), ObjectId.GenerateNewId().ToString(), Now, Now);

        var next = await AppendAsync(store, conversation, old[^1]["id"].AsObjectId.ToString(), "New");

        var all = await store.GetAllMessagesAsync(conversation.Id, conversation.UserId, Ct);
        Assert.NotNull(all);
        Assert.Equal([.. old.Select(m => m["id"].AsObjectId.ToString()), next.Id], all.Select(m => m.Id));
        Assert.Equal([null, .. all.SkipLast(1).Select(m => m.Id)], all.Select(m => m.ParentId));
        await AssertWithinBoundsAsync(raw, conversation, liveMessages: 10);
        await AssertWholeAsync(store, conversation, [.. all]);
    }

    [Fact]
    public async Task DeletingAConversationDeletesItsBuckets()
    {
        await using var host = await StoreHost.MongoAsync(liveMessages: 10);
        var (store, raw) = (host.Get<IConversationStore>(), Raw(host));
        var conversation = await CreateAsync(store);
        await AppendManyAsync(store, conversation, 40);
        var id = ObjectId.Parse(conversation.Id);
        Assert.True(await raw.Buckets.CountDocumentsAsync(b => b.ConversationId == id, cancellationToken: Ct) > 0);

        Assert.True(await store.DeleteAsync(conversation.Id, conversation.UserId, Ct));

        Assert.Equal(0, await raw.Buckets.CountDocumentsAsync(b => b.ConversationId == id, cancellationToken: Ct));
    }

    [Fact]
    public async Task AnImportTooLongForOneDocumentIsStoredInBucketsAndGrows()
    {
        await using var host = await StoreHost.MongoAsync(liveMessages: 10);
        var (store, raw) = (host.Get<IConversationStore>(), Raw(host));
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now);
        var opening = new List<StoredMessage>();
        for (var i = 0; i < 57; i++) opening.Add(Message(opening.LastOrDefault()?.Id, $"Imported {i}"));
        await store.CreateAsync(conversation with { LeafId = opening[^1].Id }, opening, Ct);

        await AssertWithinBoundsAsync(raw, conversation, liveMessages: 10);
        opening.AddRange(await AppendManyAsync(store, conversation, 12, opening[^1].Id));
        await AssertWholeAsync(store, conversation, opening);
    }

    private sealed record RawCollections(IMongoCollection<ConversationDocument> Conversations, IMongoCollection<BucketDocument> Buckets)
    {
        public Task<ConversationDocument> Live(Conversation c) =>
            Conversations.Find(d => d.Id == ObjectId.Parse(c.Id)).FirstAsync(Ct);
    }

    private static RawCollections Raw(StoreHost host) =>
        new(host.Get<IMongoDatabase>().Conversations(), host.Get<IMongoDatabase>().ConversationMessages());

    /// <summary>Roll-over steps of their own, with their own <c>Chat:LiveMessages</c>, over the host's database.</summary>
    private static MessageBuckets Steps(StoreHost host, int liveMessages) =>
        new(host.Get<IMongoDatabase>(), Options.Create(new ChatSettings { LiveMessages = liveMessages }), NullLogger<MessageBuckets>.Instance);

    /// <summary>
    /// The raw documents: the live one within its count and bytes (its recorded size never below the truth), every committed bucket
    /// within its count and bytes, numbered 0 to n − 1, and no message in two places.
    /// </summary>
    private static async Task AssertWithinBoundsAsync(RawCollections raw, Conversation conversation, int liveMessages)
    {
        var live = await raw.Live(conversation);
        var liveBytes = live.Messages.Sum(MessageBuckets.Size);
        Assert.InRange(live.Messages.Count, 1, liveMessages);
        Assert.InRange(liveBytes, 0, MessageBuckets.LiveBytes);
        Assert.True(live.LiveBytes >= liveBytes, $"The recorded size {live.LiveBytes} is below the true {liveBytes}.");
        Assert.Equal(live.Messages.Count, live.LiveCount);
        Assert.InRange(live.ToBson().Length, 0, MaxBsonBytes);

        var id = ObjectId.Parse(conversation.Id);
        var buckets = await raw.Buckets.Find(b => b.ConversationId == id && b.Number < live.Buckets).SortBy(b => b.Number).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, live.Buckets), buckets.Select(b => b.Number));
        foreach (var bucket in buckets)
        {
            Assert.InRange(bucket.Messages.Count, 1, liveMessages / 2);
            Assert.InRange(bucket.Messages.Sum(MessageBuckets.Size), 0, Math.Max(MessageBuckets.BucketBytes, MessageBuckets.Size(bucket.Messages[0])));
            Assert.InRange(bucket.ToBson().Length, 0, MaxBsonBytes);
        }
        var ids = buckets.SelectMany(b => b.Messages).Concat(live.Messages).Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>Every message once, in order: whole, page by page from the leaf, and one by one by id and by client message id.</summary>
    private static async Task AssertWholeAsync(IConversationStore store, Conversation conversation, IReadOnlyList<StoredMessage> sent)
    {
        Assert.Equal(sent, await store.GetAllMessagesAsync(conversation.Id, conversation.UserId, Ct));
        var read = new List<StoredMessage>();
        string? before = null;
        while (await store.GetMessagesAsync(conversation.Id, conversation.UserId, 7, before, Ct) is { Messages.Count: > 0 } page)
        {
            read.InsertRange(0, page.Messages);
            Assert.Equal(page.Messages[0].ParentId is not null, page.HasMore);
            before = page.Messages[0].Id;
        }
        Assert.Equal(sent, read);
        foreach (var message in sent.Where((_, i) => i % 5 == 0))
        {
            Assert.Equal(message, (await store.GetMessageAsync(conversation.Id, conversation.UserId, message.Id, Ct))?.Message);
            if (message.ClientMessageId is { } client) Assert.Equal(message, await store.FindByClientMessageIdAsync(conversation.Id, conversation.UserId, client, Ct));
        }
    }

    private static async Task<Conversation> CreateAsync(IConversationStore store)
    {
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now);
        await store.CreateAsync(conversation, [], Ct);
        return conversation;
    }

    private static async Task<List<StoredMessage>> AppendManyAsync(IConversationStore store, Conversation conversation, int count, string? after = null)
    {
        var sent = new List<StoredMessage>();
        for (var i = 0; i < count; i++) sent.Add(await AppendAsync(store, conversation, sent.LastOrDefault()?.Id ?? after, $"Message {i}"));
        return sent;
    }

    private static async Task<StoredMessage> AppendAsync(IConversationStore store, Conversation conversation, string? parentId, string text)
    {
        var message = Message(parentId, text);
        Assert.True((await store.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct))?.Appended);
        return message;
    }

    private static StoredMessage Message(string? parentId, string text) =>
        new(Ids.New(), MessageValues.SenderUser, text, Now, ClientMessageId: Guid.NewGuid().ToString("N"), ParentId: parentId);

    private static DateTimeOffset Now => TimeProvider.System.UtcNowMs();
}
