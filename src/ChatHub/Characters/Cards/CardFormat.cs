namespace ChatHub.Characters.Cards;

/// <summary>The card spec's names, and what this service adds in <c>extensions</c>.</summary>
public static class CardFormat
{
    public const string SpecV2 = "chara_card_v2";
    public const string SpecV3 = "chara_card_v3";
    public const string PngKeywordV2 = "chara";
    public const string PngKeywordV3 = "ccv3";

    /// <summary>
    /// <c>extensions.chathub</c>: what a card has no field for (traits as a list, knowledge, sampling). Written only
    /// when the card's own fields cannot say it, so a card imported and exported unchanged keeps its extensions as they were.
    /// </summary>
    public const string OwnExtension = "chathub";

    /// <summary>The <c>data</c> fields this service maps to its own; any other is kept in <see cref="CardFields.OtherCardFields"/>.</summary>
    public static readonly HashSet<string> MappedFields =
    [
        "name", "description", "personality", "scenario", "first_mes", "mes_example", "creator_notes", "system_prompt",
        "post_history_instructions", "alternate_greetings", "character_book", "tags", "creator", "character_version", "extensions",
    ];
}
