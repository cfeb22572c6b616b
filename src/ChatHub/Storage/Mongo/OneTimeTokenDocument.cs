using ChatHub.Accounts;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// What <c>password_resets</c>, <c>account_deletion_requests</c> and <c>login_challenges</c> share; each
/// subclass adds its email field under the seed's name. The collections are typed by the subclass, so
/// no type discriminator is stored.
/// </summary>
[BsonIgnoreExtraElements(Inherited = true)]
internal abstract class OneTimeTokenDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    /// <summary>The seed's <c>token</c>, as the SHA-256 of the token: the token itself is only in the mail or the client.</summary>
    [BsonElement("token_hash")]
    public string TokenHash { get; set; } = "";

    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The TTL index deletes the document once this has passed.</summary>
    [BsonElement("expires_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset ExpiresAt { get; set; }

    [BsonIgnore]
    public abstract string Email { get; set; }

    public static TDocument From<TDocument>(OneTimeToken token) where TDocument : OneTimeTokenDocument, new() => new()
    {
        Id = ObjectId.Parse(token.Id),
        TokenHash = token.TokenHash,
        UserId = ObjectId.Parse(token.UserId),
        Email = token.Email,
        CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt,
    };

    public OneTimeToken ToToken() => new(Id.ToString(), TokenHash, UserId.ToString(), Email, CreatedAt, ExpiresAt);
}

/// <summary>A <c>password_resets</c> document: the seed's <c>email</c> and <c>expires_at</c>.</summary>
internal sealed class PasswordResetDocument : OneTimeTokenDocument
{
    [BsonElement("email")]
    public override string Email { get; set; } = "";
}

/// <summary>An <c>account_deletion_requests</c> document: the seed's <c>user_email</c>; its <c>token_expires_at</c> is <c>expires_at</c>.</summary>
internal sealed class AccountDeletionRequestDocument : OneTimeTokenDocument
{
    [BsonElement("user_email")]
    public override string Email { get; set; } = "";
}

/// <summary>A <c>login_challenges</c> document (not in the seed): a sign-in waiting for its second factor.</summary>
internal sealed class LoginChallengeDocument : OneTimeTokenDocument
{
    [BsonElement("email")]
    public override string Email { get; set; } = "";
}
