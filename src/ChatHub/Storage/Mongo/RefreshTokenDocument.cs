using ChatHub.Accounts.Sessions;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A <c>refresh_tokens</c> document. Not in the seed; named and shaped like its password-reset tokens.</summary>
[BsonIgnoreExtraElements]
internal sealed class RefreshTokenDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    /// <summary>SHA-256 of the token, hex: the token itself is never stored.</summary>
    [BsonElement("token_hash")]
    public required string TokenHash { get; set; }

    [BsonElement("family_id")]
    public ObjectId FamilyId { get; set; }

    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The TTL index deletes the document once this has passed.</summary>
    [BsonElement("expires_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset ExpiresAt { get; set; }

    [BsonElement("used")]
    public bool Used { get; set; }

    [BsonElement("revoked")]
    public bool Revoked { get; set; }

    [BsonElement("user_agent"), BsonIgnoreIfNull]
    public string? UserAgent { get; set; }

    [BsonElement("session_started_at"), BsonRepresentation(BsonType.DateTime), BsonIgnoreIfNull]
    public DateTimeOffset? SessionStartedAt { get; set; }

    public static RefreshTokenDocument From(RefreshToken token) => new()
    {
        Id = ObjectId.Parse(token.Id),
        TokenHash = token.TokenHash,
        FamilyId = ObjectId.Parse(token.FamilyId),
        UserId = ObjectId.Parse(token.UserId),
        CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt,
        Used = token.Used,
        Revoked = token.Revoked,
        UserAgent = token.UserAgent,
        SessionStartedAt = token.SessionStartedAt,
    };

    public RefreshToken ToRefreshToken() =>
        new(Id.ToString(), TokenHash, FamilyId.ToString(), UserId.ToString(), CreatedAt, ExpiresAt, Used, Revoked, UserAgent, SessionStartedAt);
}
