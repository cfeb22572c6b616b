using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// A <c>usage</c> document: one user's tokens on one UTC day with one model. Its <c>_id</c> is made of the
/// three, so nodes adding to it at once all upsert the same document and never make two.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class UsageDocument
{
    [BsonId]
    public required string Id { get; set; }

    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    /// <summary><c>yyyy-MM-dd</c>, which sorts as the days do.</summary>
    [BsonElement("day")]
    public required string Day { get; set; }

    [BsonElement("model")]
    public required string Model { get; set; }

    [BsonElement("prompt_tokens")]
    public long PromptTokens { get; set; }

    [BsonElement("completion_tokens")]
    public long CompletionTokens { get; set; }

    [BsonElement("replies")]
    public long Replies { get; set; }

    public static string IdOf(ObjectId userId, string day, string model) => $"{userId}|{day}|{model}";
}
