using ChatHub.Accounts.OAuth;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoOAuthLoginCodeStore(IMongoDatabase database) : IOAuthLoginCodeStore
{
    private static readonly FilterDefinitionBuilder<OAuthLoginCodeDocument> Filter = Builders<OAuthLoginCodeDocument>.Filter;

    private readonly IMongoCollection<OAuthLoginCodeDocument> codes = database.OAuthLoginCodes();

    public Task CreateAsync(OAuthLoginCode code, CancellationToken cancellationToken) =>
        codes.InsertOneAsync(OAuthLoginCodeDocument.From(code), cancellationToken: cancellationToken);

    /// <summary>One findOneAndDelete: of two callers with one code, only one gets the document.</summary>
    public async Task<string?> TryTakeAsync(string codeHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var document = await codes.FindOneAndDeleteAsync(Usable(codeHash, now), cancellationToken: cancellationToken);
        return document?.UserId.ToString();
    }

    /// <summary>The filter repeats the expiry: the TTL monitor runs once a minute, so an expired code may still be there.</summary>
    internal static FilterDefinition<OAuthLoginCodeDocument> Usable(string codeHash, DateTimeOffset now) =>
        Filter.Eq(d => d.CodeHash, codeHash) & Filter.Gt(d => d.ExpiresAt, now);
}
