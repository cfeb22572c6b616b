using ChatHub.Accounts.TwoFactor;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A <c>two_factor</c> document: the seed's fields, plus <c>confirmed_at</c> and <c>last_used_step</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class TwoFactorDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    /// <summary>Encrypted with Data Protection.</summary>
    [BsonElement("secret")]
    public string Secret { get; set; } = "";

    /// <summary>SHA-256 (hex) of each unused code.</summary>
    [BsonElement("backup_codes")]
    public List<string> BackupCodes { get; set; } = [];

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null while the enrolment waits for its first code.</summary>
    [BsonElement("confirmed_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset? ConfirmedAt { get; set; }

    [BsonElement("last_used_step")]
    public long LastUsedStep { get; set; }

    public TwoFactorEnrollment ToEnrollment() => new(UserId.ToString(), Secret, BackupCodes, CreatedAt, ConfirmedAt, LastUsedStep);
}
