using ChatHub.Characters;

namespace ChatHub.Conversations;

/// <summary>
/// What a conversation search matches and shows. The words are <see cref="SearchWords"/> (runs of letters and digits,
/// lower-cased), so what a user types is never read as query syntax by either store.
/// </summary>
public static class ConversationSearch
{
    public const int MaxQueryChars = 200;
    private const int SnippetChars = 160;
    private const int Lead = 50;

    /// <summary>The text holds every word, as a whole word, in any case.</summary>
    public static bool HoldsAll(IReadOnlyList<string> words, string? text) =>
        text is not null && words.Count > 0 && words.All(new HashSet<string>(SearchWords.Of(text)).Contains);

    /// <summary>The text on one line around the first word found, cut at words, with "…" where cut.</summary>
    public static string Snippet(string text, IReadOnlyList<string> words)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= SnippetChars) return line;
        var at = FirstWordAt(line, words);
        var start = Math.Max(0, Math.Min(at - Lead, line.Length - SnippetChars));
        if (start > 0 && line.IndexOf(' ', start) is var space and >= 0 && space < at) start = space + 1;
        var end = Math.Min(line.Length, start + SnippetChars);
        if (end < line.Length && line.LastIndexOf(' ', end - 1) is var cut && cut > at) end = cut;
        return (start > 0 ? "…" : "") + line[start..end] + (end < line.Length ? "…" : "");
    }

    private static int FirstWordAt(string line, IReadOnlyList<string> words)
    {
        var start = -1;
        for (var i = 0; i <= line.Length; i++)
        {
            var inWord = i < line.Length && char.IsLetterOrDigit(line[i]);
            if (inWord && start < 0) start = i;
            if (inWord || start < 0) continue;
            if (words.Contains(line[start..i].ToLowerInvariant())) return start;
            start = -1;
        }
        return 0;
    }
}
