using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoStoreLifecycle(IMongoDatabase database) : IStoreLifecycle
{
    internal static readonly CreateIndexModel<UserDocument> UniqueEmail = new(
        Builders<UserDocument>.IndexKeys.Ascending(d => d.Email),
        new CreateIndexOptions { Unique = true });

    /// <summary>Serves "the user's conversations, most recently updated first" without a sort in memory.</summary>
    internal static readonly CreateIndexModel<ConversationDocument> ConversationsByUser = new(
        Builders<ConversationDocument>.IndexKeys.Ascending(d => d.UserId).Descending(d => d.UpdatedAt));

    /// <summary>Creating an index that exists with the same keys and options is a no-op, so every node runs this at every start.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await database.Users().Indexes.CreateOneAsync(UniqueEmail, cancellationToken: cancellationToken);
        await database.Conversations().Indexes.CreateOneAsync(ConversationsByUser, cancellationToken: cancellationToken);
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
}
