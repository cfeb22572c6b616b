using System.Text;
using System.Text.Json.Nodes;
using ChatHub.Characters.Avatars;

namespace ChatHub.Characters.Cards;

/// <summary>Writes a character as a card: V2 JSON, or a PNG carrying it twice (<c>chara</c>: V2, <c>ccv3</c>: V3).</summary>
public static class CardWriter
{
    public static JsonObject Card(Character character, string spec) => new()
    {
        ["spec"] = spec,
        ["spec_version"] = spec == CardFormat.SpecV3 ? "3.0" : "2.0",
        ["data"] = Data(character, spec),
    };

    /// <param name="avatarPng">The character's avatar; a plain square when it has none.</param>
    public static byte[] Png(Character character, byte[]? avatarPng) =>
        PngText.Write(avatarPng ?? AvatarImages.Placeholder(),
        [
            (CardFormat.PngKeywordV2, Base64(Card(character, CardFormat.SpecV2))),
            (CardFormat.PngKeywordV3, Base64(Card(character, CardFormat.SpecV3))),
        ]);

    private static string Base64(JsonObject card) => Convert.ToBase64String(Encoding.UTF8.GetBytes(card.ToJsonString()));

    private static JsonObject Data(Character c, string spec)
    {
        var card = c.Card;
        var extensions = CharacterMapping.JsonObjectOf(card.Extensions);
        if (OwnExtension(c) is { } own) extensions[CardFormat.OwnExtension] = own;
        var data = new JsonObject
        {
            ["name"] = c.Name,
            ["description"] = c.Description,
            ["personality"] = string.Join(", ", c.Traits),
            ["scenario"] = card.Scenario,
            ["first_mes"] = card.Greeting,
            ["mes_example"] = card.ExampleDialogue,
            ["creator_notes"] = card.CreatorNotes,
            ["system_prompt"] = card.SystemPrompt,
            ["post_history_instructions"] = card.PostHistoryInstructions,
            ["alternate_greetings"] = new JsonArray([.. card.AlternateGreetings.Select(g => (JsonNode)g)]),
        };
        if (card.Lorebook is { } book) data["character_book"] = JsonNode.Parse(book);
        data["tags"] = new JsonArray([.. card.Tags.Select(t => (JsonNode)t)]);
        data["creator"] = card.Creator;
        data["character_version"] = card.CharacterVersion;
        data["extensions"] = extensions;
        foreach (var (name, value) in CharacterMapping.JsonObjectOf(card.OtherCardFields))
        {
            data[name] = value?.DeepClone();
        }
        // V3 requires these; a card that came without them gets empty ones.
        if (spec == CardFormat.SpecV3 && !data.ContainsKey("group_only_greetings")) data["group_only_greetings"] = new JsonArray();
        return data;
    }

    /// <summary>Only what the card's own fields cannot carry: a card imported and exported unchanged gets none.</summary>
    private static JsonObject? OwnExtension(Character c)
    {
        var traitsFit = c.Traits.Count <= 1;
        var defaults = c.Temperature == CharacterMapping.DefaultTemperature && c.MaxTokens == CharacterMapping.DefaultMaxTokens;
        if (traitsFit && c.KnowledgeBase.Count == 0 && defaults) return null;
        return new JsonObject
        {
            ["traits"] = new JsonArray([.. c.Traits.Select(t => (JsonNode)t)]),
            ["knowledgeBase"] = new JsonArray([.. c.KnowledgeBase.Select(k => (JsonNode)k)]),
            ["temperature"] = c.Temperature,
            ["maxTokens"] = c.MaxTokens,
        };
    }
}
