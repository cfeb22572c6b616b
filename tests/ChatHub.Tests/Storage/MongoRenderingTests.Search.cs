using ChatHub.Characters;
using ChatHub.Conversations;
using ChatHub.Storage.Mongo;
using MongoDB.Bson;

namespace ChatHub.Tests.Storage;

/// <summary>
/// Conversation search on MongoDB, as the driver renders it: the MongoDB-wire test server has no text search, so the contract's
/// search tests run only against a real MongoDB and these show what is sent.
/// </summary>
public sealed partial class MongoRenderingTests
{
    [Fact]
    public void ConversationSearchIsATextIndexOfTitlesAndMessagesUnderTheUsersIdWithoutStemming()
    {
        var index = MongoStoreLifecycle.ConversationsByWord;

        Assert.Equal(new BsonDocument { { "user_id", 1 }, { "title", "text" }, { "messages.message", "text" } }, Render(index.Keys));
        Assert.Equal("none", index.Options.DefaultLanguage);
    }

    [Fact]
    public void ASearchIsTheUsersTextMatchOfEveryWordAsAPhraseAfterTheCursorNeverARegex()
    {
        var userId = ObjectId.GenerateNewId();
        var afterId = ObjectId.GenerateNewId();
        var query = new ConversationListQuery(userId.ToString(), SearchWords.Of("Gotham \"OR .*(a+)+$"), new CatalogueCursor(At.ToUnixTimeMilliseconds(), afterId.ToString()), 20);

        var filter = Render(MongoConversationStore.ListFilter(userId, query));

        Assert.Equal(
            new BsonDocument
            {
                { "user_id", userId },
                { "$text", new BsonDocument("$search", "\"gotham\" \"or\" \"a\"") },
                {
                    "$or", new BsonArray
                    {
                        new BsonDocument("updated_at", new BsonDocument("$lt", AtBson)),
                        new BsonDocument { { "updated_at", AtBson }, { "_id", new BsonDocument("$lt", afterId) } },
                    }
                },
            },
            filter);
        Assert.DoesNotContain("$regex", filter.ToJson());
    }

    [Fact]
    public void OlderMessagesAreSearchedByTheBucketsTextIndexUnderTheUsersId()
    {
        var index = MongoStoreLifecycle.BucketIndexes.Single(i => i.Options?.Name == "conversation_messages_search");

        Assert.Equal(new BsonDocument { { "user_id", 1 }, { "messages.message", "text" } }, Render(index.Keys));
        Assert.Equal("none", index.Options.DefaultLanguage);
    }

    [Fact]
    public void ASearchAlsoFindsTheConversationsWhoseBucketsHoldTheWords()
    {
        var (userId, olderHit) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var query = new ConversationListQuery(userId.ToString(), SearchWords.Of("Gotham"), null, 20);

        var filter = Render(MongoConversationStore.ListFilter(userId, query, [olderHit]));

        Assert.Equal(
            new BsonDocument
            {
                { "user_id", userId },
                {
                    "$or", new BsonArray
                    {
                        new BsonDocument("$text", new BsonDocument("$search", "\"gotham\"")),
                        new BsonDocument("_id", new BsonDocument("$in", new BsonArray { olderHit })),
                    }
                },
            },
            filter);
    }

    [Fact]
    public void AListWithoutWordsIsTheUsersConversationsOnly()
    {
        var userId = ObjectId.GenerateNewId();

        var filter = Render(MongoConversationStore.ListFilter(userId, new ConversationListQuery(userId.ToString(), [], null, 20)));

        Assert.Equal(new BsonDocument("user_id", userId), filter);
    }
}
