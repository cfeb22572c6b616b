using ChatHub.Accounts.OAuth;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// An <c>oauth_accounts</c> document: the seed's "OAuth Accounts", with <c>expires_at</c> renamed to
/// <c>access_token_expires_at</c> (the provider token's end, not the document's: it gets no TTL index).
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class OAuthAccountDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    [BsonElement("provider")]
    public required string Provider { get; set; }

    [BsonElement("provider_user_id")]
    public required string ProviderUserId { get; set; }

    [BsonElement("email"), BsonIgnoreIfNull]
    public string? Email { get; set; }

    /// <summary>Encrypted with Data Protection, as is <see cref="RefreshToken"/>.</summary>
    [BsonElement("access_token"), BsonIgnoreIfNull]
    public string? AccessToken { get; set; }

    [BsonElement("refresh_token"), BsonIgnoreIfNull]
    public string? RefreshToken { get; set; }

    [BsonElement("access_token_expires_at"), BsonRepresentation(BsonType.DateTime), BsonIgnoreIfNull]
    public DateTimeOffset? AccessTokenExpiresAt { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    [BsonElement("updated_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset UpdatedAt { get; set; }

    public static OAuthAccountDocument From(OAuthAccount account) => new()
    {
        Id = ObjectId.Parse(account.Id),
        UserId = ObjectId.Parse(account.UserId),
        Provider = account.Provider,
        ProviderUserId = account.ProviderUserId,
        Email = account.Email,
        AccessToken = account.Tokens.AccessToken,
        RefreshToken = account.Tokens.RefreshToken,
        AccessTokenExpiresAt = account.Tokens.AccessTokenExpiresAt,
        CreatedAt = account.CreatedAt,
        UpdatedAt = account.UpdatedAt,
    };

    public OAuthAccount ToOAuthAccount() => new(
        Id.ToString(), UserId.ToString(), Provider, ProviderUserId, Email,
        new ProviderTokens(AccessToken, RefreshToken, AccessTokenExpiresAt), CreatedAt, UpdatedAt);
}
