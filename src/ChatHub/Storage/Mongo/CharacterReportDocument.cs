using ChatHub.Characters;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A <c>character_reports</c> document.</summary>
[BsonIgnoreExtraElements]
internal sealed class CharacterReportDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("character_id")]
    public ObjectId CharacterId { get; set; }

    [BsonElement("reporter_id")]
    public ObjectId ReporterId { get; set; }

    [BsonElement("reason")]
    public required string Reason { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    public static CharacterReportDocument From(CharacterReport report) => new()
    {
        Id = ObjectId.Parse(report.Id),
        CharacterId = ObjectId.Parse(report.CharacterId),
        ReporterId = ObjectId.Parse(report.ReporterId),
        Reason = report.Reason,
        CreatedAt = report.CreatedAt,
    };

    public CharacterReport ToReport() => new(Id.ToString(), CharacterId.ToString(), ReporterId.ToString(), Reason, CreatedAt);
}
