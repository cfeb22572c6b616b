using ChatHub.Contracts;
using ChatHub.Conversations;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Tests.Storage;

/// <summary>The store contract against the MongoDB server that CHATHUB_TEST_MONGODB names, in a fresh database per test.</summary>
public sealed class MongoStoreContractTests : StoreContractTests
{
    protected override async Task<Stores> OpenStoresAsync() => (await StoreHost.MongoAsync()).ToStores();

    protected override bool OnMongoWire => Environment.GetEnvironmentVariable("CHATHUB_TEST_MONGODB_WIRE") == "1";

    [Fact]
    public async Task AConversationFromBeforeTreesReadsAsOneBranchAndGoesOnFromItsLastMessage()
    {
        await using var host = await StoreHost.MongoAsync();
        var store = host.Get<IConversationStore>();
        var (conversationId, userId) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var (question, reply, waiting, waitingReply) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId(), ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var at = new BsonDateTime(DateTime.UtcNow);
        // A document as issue 12 wrote it: no parent_id, no leaf_id, the last user message still awaiting its reply.
        await host.Get<IMongoDatabase>().GetCollection<BsonDocument>("conversations").InsertOneAsync(new BsonDocument
        {
            { "_id", conversationId }, { "user_id", userId }, { "character_id", ObjectId.GenerateNewId() }, { "created_at", at }, { "updated_at", at },
            {
                "messages", new BsonArray
                {
                    new BsonDocument { { "id", question }, { "sender", "user" }, { "message", "Hi" }, { "timestamp", at }, { "client_message_id", "c-1" }, { "reply_id", reply } },
                    new BsonDocument { { "id", reply }, { "sender", "ai" }, { "message", "Hello." }, { "timestamp", at }, { "in_reply_to", question }, { "status", "complete" } },
                    new BsonDocument { { "id", waiting }, { "sender", "user" }, { "message", "Still there?" }, { "timestamp", at }, { "client_message_id", "c-2" }, { "reply_id", waitingReply } },
                }
            },
        }, cancellationToken: Ct);
        var (id, user) = (conversationId.ToString(), userId.ToString());

        Assert.Equal(waiting.ToString(), (await store.GetAsync(id, user, Ct))?.LeafId);
        var path = await store.GetMessagesAsync(id, user, 10, null, Ct);
        Assert.Equal([null, question.ToString(), reply.ToString()], path?.Messages.Select(m => m.ParentId));
        Assert.Contains(await store.ListUnansweredAsync(Ct), u => u.ConversationId == id && u.Message.Id == waiting.ToString());
        var answer = new StoredMessage(waitingReply.ToString(), MessageValues.SenderAi, "Yes.", Now, InReplyTo: waiting.ToString(),
            Status: MessageValues.StatusComplete, ParentId: waiting.ToString());
        Assert.True(await store.AppendReplyAsync(id, answer, Ct));
        Assert.DoesNotContain(await store.ListUnansweredAsync(Ct), u => u.ConversationId == id);
        Assert.Equal([question.ToString(), reply.ToString(), waiting.ToString(), answer.Id], (await store.GetMessagesAsync(id, user, 10, null, Ct))?.Messages.Select(m => m.Id));
    }
}
