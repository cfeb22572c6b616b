namespace ChatHub.Characters;

/// <summary>
/// Words as the catalogue's text search matches them: runs of letters and digits, lower-cased. What a user
/// types becomes such words and is never read as query syntax by either store.
/// </summary>
public static class SearchWords
{
    public const int MaxWords = 8;

    public static IReadOnlyList<string> Of(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return words.Distinct().ToList();
    }

    /// <summary>Every word a character is found by: its name's, description's and tags'.</summary>
    public static IReadOnlyList<string> Of(Character character) =>
        Of($"{character.Name} {character.Description} {string.Join(' ', character.Card.Tags)}");
}
