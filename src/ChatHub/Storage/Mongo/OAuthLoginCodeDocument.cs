using ChatHub.Accounts.OAuth;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>An <c>oauth_login_codes</c> document. Not in the seed; shaped like <c>refresh_tokens</c>: a hash, whose it is, an expiry.</summary>
[BsonIgnoreExtraElements]
internal sealed class OAuthLoginCodeDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    /// <summary>SHA-256 of the code, hex: the code itself is never stored.</summary>
    [BsonElement("code_hash")]
    public required string CodeHash { get; set; }

    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The TTL index deletes the document once this has passed.</summary>
    [BsonElement("expires_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset ExpiresAt { get; set; }

    public static OAuthLoginCodeDocument From(OAuthLoginCode code) => new()
    {
        Id = ObjectId.Parse(code.Id),
        CodeHash = code.CodeHash,
        UserId = ObjectId.Parse(code.UserId),
        CreatedAt = code.CreatedAt,
        ExpiresAt = code.ExpiresAt,
    };

    public OAuthLoginCode ToOAuthLoginCode() => new(Id.ToString(), CodeHash, UserId.ToString(), CreatedAt, ExpiresAt);
}
