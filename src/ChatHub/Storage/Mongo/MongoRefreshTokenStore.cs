using ChatHub.Accounts.Sessions;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoRefreshTokenStore(IMongoDatabase database) : IRefreshTokenStore
{
    private static readonly FilterDefinitionBuilder<RefreshTokenDocument> Filter = Builders<RefreshTokenDocument>.Filter;
    internal static readonly UpdateDefinition<RefreshTokenDocument> MarkUsed = Builders<RefreshTokenDocument>.Update.Set(d => d.Used, true);
    internal static readonly UpdateDefinition<RefreshTokenDocument> Revoke = Builders<RefreshTokenDocument>.Update.Set(d => d.Revoked, true);

    private readonly IMongoCollection<RefreshTokenDocument> tokens = database.RefreshTokens();

    public Task CreateAsync(RefreshToken token, CancellationToken cancellationToken) =>
        tokens.InsertOneAsync(RefreshTokenDocument.From(token), cancellationToken: cancellationToken);

    public async Task<RefreshToken?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var document = await tokens.Find(ByHash(tokenHash)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToRefreshToken();
    }

    public async Task<bool> TryUseAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await tokens.UpdateOneAsync(Usable(tokenHash, now), MarkUsed, cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public Task<bool> IsFamilyRevokedAsync(string familyId, CancellationToken cancellationToken) =>
        ObjectId.TryParse(familyId, out var id)
            ? tokens.Find(RevokedInFamily(id)).AnyAsync(cancellationToken)
            : Task.FromResult(false);

    public Task RevokeFamilyAsync(string familyId, CancellationToken cancellationToken) =>
        ObjectId.TryParse(familyId, out var id)
            ? tokens.UpdateManyAsync(Family(id), Revoke, cancellationToken: cancellationToken)
            : Task.CompletedTask;

    public async Task<IReadOnlyList<RefreshToken>> ListLiveAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return [];
        var documents = await tokens.Find(LiveOfUser(id, now))
            .Sort(Builders<RefreshTokenDocument>.Sort.Descending(d => d.CreatedAt).Descending(d => d.Id))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToRefreshToken());
    }

    public Task RevokeAllAsync(string userId, CancellationToken cancellationToken) =>
        ObjectId.TryParse(userId, out var id)
            ? tokens.UpdateManyAsync(OfUser(id), Revoke, cancellationToken: cancellationToken)
            : Task.CompletedTask;

    public Task DeleteAllAsync(string userId, CancellationToken cancellationToken) =>
        ObjectId.TryParse(userId, out var id)
            ? tokens.DeleteManyAsync(OfUser(id), cancellationToken)
            : Task.CompletedTask;

    internal static FilterDefinition<RefreshTokenDocument> ByHash(string tokenHash) => Filter.Eq(d => d.TokenHash, tokenHash);

    /// <summary>
    /// The guard that makes rotation atomic: the update matches only a token still unused, unrevoked and
    /// unexpired (the TTL monitor runs once a minute, so an expired document may still be there).
    /// </summary>
    internal static FilterDefinition<RefreshTokenDocument> Usable(string tokenHash, DateTimeOffset now) =>
        ByHash(tokenHash) & Filter.Eq(d => d.Used, false) & Filter.Eq(d => d.Revoked, false) & Filter.Gt(d => d.ExpiresAt, now);

    internal static FilterDefinition<RefreshTokenDocument> Family(ObjectId familyId) => Filter.Eq(d => d.FamilyId, familyId);

    internal static FilterDefinition<RefreshTokenDocument> RevokedInFamily(ObjectId familyId) => Family(familyId) & Filter.Eq(d => d.Revoked, true);

    internal static FilterDefinition<RefreshTokenDocument> OfUser(ObjectId userId) => Filter.Eq(d => d.UserId, userId);

    internal static FilterDefinition<RefreshTokenDocument> LiveOfUser(ObjectId userId, DateTimeOffset now) =>
        OfUser(userId) & Filter.Eq(d => d.Used, false) & Filter.Eq(d => d.Revoked, false) & Filter.Gt(d => d.ExpiresAt, now);
}
