namespace ChatHub.Characters;

/// <summary>
/// A character card's own fields (Character Card V2/V3). <see cref="Lorebook"/> (the card's
/// <c>character_book</c>), <see cref="Extensions"/> and <see cref="OtherCardFields"/> are JSON text kept
/// verbatim, as the card's author wrote them: the spec requires unknown keys to survive every edit.
/// </summary>
/// <param name="OtherCardFields">A JSON object of the card's <c>data</c> fields this service has no field for (V3's <c>nickname</c>, <c>assets</c> ...), written back on export.</param>
public sealed record CardFields(
    string Scenario,
    string Greeting,
    IReadOnlyList<string> AlternateGreetings,
    string ExampleDialogue,
    string SystemPrompt,
    string PostHistoryInstructions,
    string CreatorNotes,
    IReadOnlyList<string> Tags,
    string Creator,
    string CharacterVersion,
    string? Lorebook,
    string Extensions,
    string OtherCardFields)
{
    public static readonly CardFields Empty = new("", "", [], "", "", "", "", [], "", "", null, "{}", "{}");
}
