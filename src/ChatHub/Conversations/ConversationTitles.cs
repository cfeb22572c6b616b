namespace ChatHub.Conversations;

/// <summary>What a conversation's title may be, whoever writes it.</summary>
public static class ConversationTitles
{
    public const int MaxChars = 100;

    /// <summary>The title as stored (trimmed, on one line), or why it is refused.</summary>
    public static (string? Title, string? Refusal) Check(string? title)
    {
        var line = title is null ? "" : string.Join(' ', title.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length == 0) return (null, "title must not be empty.");
        if (line.Length > MaxChars) return (null, $"title may have at most {MaxChars} characters.");
        return (line, null);
    }
}
