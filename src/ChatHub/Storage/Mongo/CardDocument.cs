using ChatHub.Characters;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// A character's card fields. The lorebook, the extensions and the card's other fields are JSON text, not
/// sub-documents: their keys are the card author's, and a key may start with <c>$</c> or hold a dot.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class CardDocument
{
    [BsonElement("scenario")]
    public string Scenario { get; set; } = "";

    [BsonElement("greeting")]
    public string Greeting { get; set; } = "";

    [BsonElement("alternate_greetings")]
    public List<string> AlternateGreetings { get; set; } = [];

    [BsonElement("example_dialogue")]
    public string ExampleDialogue { get; set; } = "";

    [BsonElement("system_prompt")]
    public string SystemPrompt { get; set; } = "";

    [BsonElement("post_history_instructions")]
    public string PostHistoryInstructions { get; set; } = "";

    [BsonElement("creator_notes")]
    public string CreatorNotes { get; set; } = "";

    [BsonElement("tags")]
    public List<string> Tags { get; set; } = [];

    [BsonElement("creator")]
    public string Creator { get; set; } = "";

    [BsonElement("character_version")]
    public string CharacterVersion { get; set; } = "";

    [BsonElement("lorebook")]
    public string? Lorebook { get; set; }

    [BsonElement("extensions")]
    public string Extensions { get; set; } = "{}";

    [BsonElement("other_card_fields")]
    public string OtherCardFields { get; set; } = "{}";

    public static CardDocument From(CardFields card) => new()
    {
        Scenario = card.Scenario,
        Greeting = card.Greeting,
        AlternateGreetings = [.. card.AlternateGreetings],
        ExampleDialogue = card.ExampleDialogue,
        SystemPrompt = card.SystemPrompt,
        PostHistoryInstructions = card.PostHistoryInstructions,
        CreatorNotes = card.CreatorNotes,
        Tags = [.. card.Tags],
        Creator = card.Creator,
        CharacterVersion = card.CharacterVersion,
        Lorebook = card.Lorebook,
        Extensions = card.Extensions,
        OtherCardFields = card.OtherCardFields,
    };

    public CardFields ToFields() => new(Scenario, Greeting, AlternateGreetings, ExampleDialogue, SystemPrompt, PostHistoryInstructions,
        CreatorNotes, Tags, Creator, CharacterVersion, Lorebook, Extensions, OtherCardFields);
}
