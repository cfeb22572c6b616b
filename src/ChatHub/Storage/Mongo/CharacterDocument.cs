using ChatHub.Characters;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A <c>characters</c> document, shaped as the seed's "AI Characters".</summary>
[BsonIgnoreExtraElements]
internal sealed class CharacterDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("name")]
    public required string Name { get; set; }

    [BsonElement("description")]
    public required string Description { get; set; }

    [BsonElement("personality")]
    public required PersonalityDocument Personality { get; set; }

    [BsonElement("ai_settings")]
    public required AiSettingsDocument AiSettings { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    [BsonElement("updated_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset UpdatedAt { get; set; }

    public static CharacterDocument From(Character character) => new()
    {
        Id = ObjectId.Parse(character.Id),
        Name = character.Name,
        Description = character.Description,
        Personality = new() { Traits = [.. character.Traits], KnowledgeBase = [.. character.KnowledgeBase] },
        AiSettings = new() { Temperature = character.Temperature, MaxTokens = character.MaxTokens },
        CreatedAt = character.CreatedAt,
        UpdatedAt = character.UpdatedAt,
    };

    public Character ToCharacter() => new(
        Id.ToString(),
        Name,
        Description,
        Personality.Traits,
        Personality.KnowledgeBase,
        AiSettings.Temperature,
        AiSettings.MaxTokens,
        CreatedAt,
        UpdatedAt);
}

[BsonIgnoreExtraElements]
internal sealed class PersonalityDocument
{
    [BsonElement("traits")]
    public List<string> Traits { get; set; } = [];

    [BsonElement("knowledge_base")]
    public List<string> KnowledgeBase { get; set; } = [];
}

[BsonIgnoreExtraElements]
internal sealed class AiSettingsDocument
{
    [BsonElement("temperature")]
    public double Temperature { get; set; }

    [BsonElement("max_tokens")]
    public int MaxTokens { get; set; }
}
