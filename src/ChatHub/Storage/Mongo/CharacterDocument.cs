using ChatHub.Characters;
using ChatHub.Contracts;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// A <c>characters</c> document, shaped as the seed's "AI Characters", with its owner, visibility and the card's
/// fields. Fields added later are absent from older documents and read as their defaults (a public, built-in character).
/// </summary>
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

    [BsonElement("owner_id"), BsonRepresentation(BsonType.ObjectId)]
    public string? OwnerId { get; set; }

    [BsonElement("visibility")]
    public string Visibility { get; set; } = CharacterVisibility.Public;

    [BsonElement("hidden")]
    public bool Hidden { get; set; }

    [BsonElement("deleted_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset? DeletedAt { get; set; }

    [BsonElement("conversations_started")]
    public long ConversationsStarted { get; set; }

    [BsonElement("card")]
    public CardDocument Card { get; set; } = CardDocument.From(CardFields.Empty);

    /// <summary>The words the catalogue's text search finds it by (<see cref="SearchWords"/>), served by a multikey index.</summary>
    [BsonElement("search_words")]
    public List<string> SearchWords { get; set; } = [];

    /// <summary>The card's tags lower-cased, for the catalogue's tag filter (any case) without a regex.</summary>
    [BsonElement("tag_keys")]
    public List<string> TagKeys { get; set; } = [];

    [BsonElement("avatar_etag")]
    public string? AvatarEtag { get; set; }

    public static CharacterDocument From(Character character) => new()
    {
        Id = ObjectId.Parse(character.Id),
        Name = character.Name,
        Description = character.Description,
        Personality = new() { Traits = [.. character.Traits], KnowledgeBase = [.. character.KnowledgeBase] },
        AiSettings = new() { Temperature = character.Temperature, MaxTokens = character.MaxTokens, ModelProfile = character.ModelProfile },
        CreatedAt = character.CreatedAt,
        UpdatedAt = character.UpdatedAt,
        OwnerId = character.OwnerId,
        Visibility = character.Visibility,
        Hidden = character.Hidden,
        DeletedAt = character.DeletedAt,
        ConversationsStarted = character.ConversationsStarted,
        Card = CardDocument.From(character.Card),
        SearchWords = [.. Characters.SearchWords.Of(character)],
        TagKeys = [.. character.Card.Tags.Select(TagKey)],
        AvatarEtag = character.AvatarEtag,
    };

    public static string TagKey(string tag) => tag.ToLowerInvariant();

    public Character ToCharacter() => new(
        Id.ToString(),
        Name,
        Description,
        Personality.Traits,
        Personality.KnowledgeBase,
        AiSettings.Temperature,
        AiSettings.MaxTokens,
        CreatedAt,
        UpdatedAt)
    {
        OwnerId = OwnerId,
        Visibility = Visibility,
        Hidden = Hidden,
        DeletedAt = DeletedAt,
        ConversationsStarted = ConversationsStarted,
        Card = Card.ToFields(),
        AvatarEtag = AvatarEtag,
        ModelProfile = AiSettings.ModelProfile,
    };
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

    /// <summary>Absent for the default profile, and in documents written before model profiles (issue 17).</summary>
    [BsonElement("model_profile"), BsonIgnoreIfNull]
    public string? ModelProfile { get; set; }
}
