using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A <c>character_avatars</c> document: one small PNG (at most 512 by 512) per character, keyed by the character's id.</summary>
[BsonIgnoreExtraElements]
internal sealed class AvatarDocument
{
    [BsonId]
    public ObjectId CharacterId { get; set; }

    [BsonElement("png")]
    public required byte[] Png { get; set; }

    [BsonElement("etag")]
    public required string Etag { get; set; }
}
