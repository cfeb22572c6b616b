using ChatHub.Accounts.OAuth;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoOAuthAccountStore(IMongoDatabase database) : IOAuthAccountStore
{
    private static readonly FilterDefinitionBuilder<OAuthAccountDocument> Filter = Builders<OAuthAccountDocument>.Filter;

    private readonly IMongoCollection<OAuthAccountDocument> accounts = database.OAuthAccounts();

    /// <summary>The unique indexes on (provider, provider_user_id) and (user_id, provider) decide races.</summary>
    public Task<bool> TryCreateAsync(OAuthAccount account, CancellationToken cancellationToken) =>
        accounts.TryInsertAsync(OAuthAccountDocument.From(account), cancellationToken);

    public async Task<OAuthAccount?> FindAsync(string provider, string providerUserId, CancellationToken cancellationToken)
    {
        var document = await accounts.Find(ProviderAccount(provider, providerUserId)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToOAuthAccount();
    }

    public async Task<IReadOnlyList<OAuthAccount>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return [];
        var documents = await accounts.Find(OfUser(id))
            .Sort(Builders<OAuthAccountDocument>.Sort.Ascending(d => d.Provider))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToOAuthAccount());
    }

    public Task UpdateTokensAsync(string id, ProviderTokens tokens, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        ObjectId.TryParse(id, out var accountId)
            ? accounts.UpdateOneAsync(Filter.Eq(d => d.Id, accountId), SetTokens(tokens, updatedAt), cancellationToken: cancellationToken)
            : Task.CompletedTask;

    public async Task<bool> DeleteAsync(string userId, string provider, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return false;
        var result = await accounts.DeleteOneAsync(UserLink(id, provider), cancellationToken);
        return result.DeletedCount == 1;
    }

    public Task DeleteForUserAsync(string userId, CancellationToken cancellationToken) =>
        ObjectId.TryParse(userId, out var id) ? accounts.DeleteManyAsync(OfUser(id), cancellationToken) : Task.CompletedTask;

    internal static FilterDefinition<OAuthAccountDocument> ProviderAccount(string provider, string providerUserId) =>
        Filter.Eq(d => d.Provider, provider) & Filter.Eq(d => d.ProviderUserId, providerUserId);

    internal static FilterDefinition<OAuthAccountDocument> OfUser(ObjectId userId) => Filter.Eq(d => d.UserId, userId);

    internal static FilterDefinition<OAuthAccountDocument> UserLink(ObjectId userId, string provider) =>
        OfUser(userId) & Filter.Eq(d => d.Provider, provider);

    /// <summary>Absent values are unset, not stored as null; a missing refresh token keeps the stored one.</summary>
    internal static UpdateDefinition<OAuthAccountDocument> SetTokens(ProviderTokens tokens, DateTimeOffset updatedAt)
    {
        var update = Builders<OAuthAccountDocument>.Update;
        var parts = new List<UpdateDefinition<OAuthAccountDocument>>
        {
            tokens.AccessToken is { } access ? update.Set(d => d.AccessToken, access) : update.Unset(d => d.AccessToken),
            tokens.AccessTokenExpiresAt is { } expires ? update.Set(d => d.AccessTokenExpiresAt, expires) : update.Unset(d => d.AccessTokenExpiresAt),
            update.Set(d => d.UpdatedAt, updatedAt),
        };
        if (tokens.RefreshToken is { } refresh) parts.Add(update.Set(d => d.RefreshToken, refresh));
        return update.Combine(parts);
    }
}
