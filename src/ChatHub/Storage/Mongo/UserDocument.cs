using ChatHub.Accounts;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// A <c>users</c> document. Unlike the seed it has no <c>conversations</c> array: that grew with every
/// conversation a user ever started, and conversations already name their user.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class UserDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("name")]
    public required string Name { get; set; }

    [BsonElement("email")]
    public required string Email { get; set; }

    [BsonElement("password_hash")]
    public required string PasswordHash { get; set; }

    [BsonElement("role")]
    public required string Role { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    [BsonElement("updated_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Absent in documents from before it existed, which then read as version 0.</summary>
    [BsonElement("token_version")]
    public int TokenVersion { get; set; }

    /// <summary>Absent in documents from before it existed, which then read as no persona.</summary>
    [BsonElement("persona")]
    public string Persona { get; set; } = "";

    public static UserDocument From(User user) => new()
    {
        Id = ObjectId.Parse(user.Id),
        Name = user.Name,
        Email = user.Email,
        PasswordHash = user.PasswordHash,
        Role = user.Role,
        CreatedAt = user.CreatedAt,
        UpdatedAt = user.UpdatedAt,
        TokenVersion = user.TokenVersion,
        Persona = user.Persona,
    };

    public User ToUser() => new(Id.ToString(), Name, Email, PasswordHash, Role, CreatedAt, UpdatedAt, TokenVersion) { Persona = Persona };
}
