using ChatHub.Accounts;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoOneTimeTokenStore<TDocument>(IMongoCollection<TDocument> tokens) : IOneTimeTokenStore
    where TDocument : OneTimeTokenDocument, new()
{
    private static readonly FilterDefinitionBuilder<TDocument> Filter = Builders<TDocument>.Filter;

    public Task CreateAsync(OneTimeToken token, CancellationToken cancellationToken) =>
        tokens.InsertOneAsync(OneTimeTokenDocument.From<TDocument>(token), cancellationToken: cancellationToken);

    public async Task<OneTimeToken?> FindAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var document = await tokens.Find(Live(tokenHash, now)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToToken();
    }

    /// <summary>findOneAndDelete: the one caller whose delete found the document gets it.</summary>
    public async Task<OneTimeToken?> TryUseAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var document = await tokens.FindOneAndDeleteAsync(Live(tokenHash, now), cancellationToken: cancellationToken);
        return document?.ToToken();
    }

    public async Task<int> CountLiveAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ObjectId.TryParse(userId, out var id)
            ? (int)await tokens.CountDocumentsAsync(LiveOfUser(id, now), cancellationToken: cancellationToken)
            : 0;

    public Task DeleteAllAsync(string userId, CancellationToken cancellationToken) =>
        ObjectId.TryParse(userId, out var id)
            ? tokens.DeleteManyAsync(OfUser(id), cancellationToken)
            : Task.CompletedTask;

    /// <summary>The filter repeats the expiry: the TTL monitor runs once a minute, so an expired document may still be there.</summary>
    internal static FilterDefinition<TDocument> Live(string tokenHash, DateTimeOffset now) =>
        Filter.Eq(d => d.TokenHash, tokenHash) & Filter.Gt(d => d.ExpiresAt, now);

    internal static FilterDefinition<TDocument> LiveOfUser(ObjectId userId, DateTimeOffset now) =>
        OfUser(userId) & Filter.Gt(d => d.ExpiresAt, now);

    internal static FilterDefinition<TDocument> OfUser(ObjectId userId) => Filter.Eq(d => d.UserId, userId);
}
