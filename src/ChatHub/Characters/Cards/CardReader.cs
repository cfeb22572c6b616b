using System.Text.Json;
using System.Text.Json.Nodes;
using ChatHub.Contracts;

namespace ChatHub.Characters.Cards;

/// <summary>A card read from a file: the character's fields, the card's fields this service has none for, and its image if it had one.</summary>
public sealed record ImportedCard(CharacterRequest Request, string OtherCardFields, byte[]? Image);

/// <summary>Reads a card's JSON: V1 (flat fields), V2 (<c>chara_card_v2</c>) or V3 (<c>chara_card_v3</c>).</summary>
public static class CardReader
{
    /// <summary>The card, or what is wrong with it in words for the user.</summary>
    public static (ImportedCard? Card, string? Problem) Read(string json, byte[]? image)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return (null, "The card is not valid JSON.");
        }
        if (root is not JsonObject card) return (null, "The card must be a JSON object.");
        var spec = card["spec"] is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : null;
        JsonObject data;
        if (spec is CardFormat.SpecV2 or CardFormat.SpecV3)
        {
            if (card["data"] is not JsonObject d) return (null, $"A {spec} card must have a data object.");
            data = d;
        }
        else if (spec is not null)
        {
            return (null, $"Cards of spec {spec} are not supported (chara_card_v2 and chara_card_v3 are, and V1 cards without a spec).");
        }
        else
        {
            data = card;
        }

        try
        {
            return (FromData(data, image, isV1: spec is null), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return (null, $"The card has a field of the wrong type: {ex.Message}");
        }
    }

    private static ImportedCard FromData(JsonObject data, byte[]? image, bool isV1)
    {
        var extensions = data["extensions"] switch
        {
            null => [],
            JsonObject e => (JsonObject)e.DeepClone(),
            _ => throw new FormatException("extensions must be an object."),
        };
        var own = extensions[CardFormat.OwnExtension] as JsonObject;
        if (own is not null) extensions.Remove(CardFormat.OwnExtension);

        var personality = Text(data, "personality");
        var traits = own?["traits"] is not null ? Texts(own, "traits") : personality.Trim().Length > 0 ? [personality.Trim()] : [];
        var knowledge = own is null ? [] : Texts(own, "knowledgeBase");
        var ai = own is null ? null : new AiSettingsDto
        {
            Temperature = own["temperature"]?.GetValue<double>() ?? CharacterMapping.DefaultTemperature,
            MaxTokens = own["maxTokens"]?.GetValue<int>() ?? CharacterMapping.DefaultMaxTokens,
        };

        var other = new JsonObject();
        if (!isV1)
        {
            foreach (var (name, value) in data)
            {
                if (!CardFormat.MappedFields.Contains(name)) other[name] = value?.DeepClone();
            }
        }

        var request = new CharacterRequest
        {
            Name = Text(data, "name"),
            Description = Text(data, "description"),
            Personality = new PersonalityDto { Traits = traits, KnowledgeBase = knowledge },
            AiSettings = ai,
            Visibility = CharacterVisibility.Private,
            Scenario = Text(data, "scenario"),
            Greeting = Text(data, "first_mes"),
            AlternateGreetings = Texts(data, "alternate_greetings"),
            ExampleDialogue = Text(data, "mes_example"),
            SystemPrompt = Text(data, "system_prompt"),
            PostHistoryInstructions = Text(data, "post_history_instructions"),
            CreatorNotes = Text(data, "creator_notes"),
            Tags = Texts(data, "tags"),
            Creator = Text(data, "creator"),
            CharacterVersion = Text(data, "character_version"),
            Lorebook = data["character_book"] switch
            {
                null => null,
                JsonObject book => (JsonObject)book.DeepClone(),
                JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
                _ => throw new FormatException("character_book must be an object."),
            },
            Extensions = extensions,
        };
        return new ImportedCard(request, other.ToJsonString(), image);
    }

    private static string Text(JsonObject data, string name) => data[name] switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => "",
        _ => throw new FormatException($"{name} must be text."),
    };

    /// <summary>A list of text; missing or null: an empty one.</summary>
    private static List<string> Texts(JsonObject data, string name)
    {
        var wrong = new FormatException($"{name} must be a list of text.");
        return data[name] switch
        {
            null => [],
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => [],
            JsonArray items => items.Select(i => i is JsonValue s && s.GetValueKind() == JsonValueKind.String ? s.GetValue<string>() : throw wrong).ToList(),
            _ => throw wrong,
        };
    }
}
