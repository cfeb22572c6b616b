using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A <c>mail_outbox</c> document: a sealed mail, how often sending it failed, and when it is due.</summary>
[BsonIgnoreExtraElements]
internal sealed class MailOutboxDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("payload")]
    public required string Payload { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    [BsonElement("attempts")]
    public int Attempts { get; set; }

    [BsonElement("due_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset DueAt { get; set; }
}
