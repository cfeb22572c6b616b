using ChatHub.Contracts;

namespace ChatHub.Characters;

public static class CharacterValidation
{
    public const int MaxNameChars = 100;
    public const int MaxTextChars = 20_000;
    public const int MaxListItems = 20;
    public const int MaxGreetings = 50;
    public const int MaxTags = 30;
    public const int MaxTagChars = 50;
    public const int MaxShortChars = 200;
    public const int MaxJsonChars = 1_000_000;
    public const int MaxTokensLimit = 4096;

    /// <summary>What is wrong with the request, in words for its author; null when it is fine.</summary>
    public static string? Check(CharacterRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Trim().Length > MaxNameChars) return $"The name must have 1 to {MaxNameChars} characters.";
        if (r.Description is null || r.Description.Length > MaxTextChars) return $"The description may have at most {MaxTextChars} characters.";
        if (r.Personality is { } p && (!ValidList(p.Traits) || !ValidList(p.KnowledgeBase)))
        {
            return $"Traits and knowledge base are lists of at most {MaxListItems} non-empty entries of at most {MaxTextChars} characters.";
        }
        if (r.AiSettings is { } ai && !(ai.Temperature is >= 0 and <= 2)) return "The temperature must be between 0 and 2.";
        if (r.AiSettings is { MaxTokens: < 1 or > MaxTokensLimit }) return $"max_tokens must be between 1 and {MaxTokensLimit}.";
        if (r.Visibility is not null && !CharacterVisibility.IsKnown(r.Visibility)) return "The visibility must be private, unlisted or public.";
        string?[] texts = [r.Scenario, r.Greeting, r.ExampleDialogue, r.SystemPrompt, r.PostHistoryInstructions, r.CreatorNotes];
        if (texts.Any(t => t?.Length > MaxTextChars)) return $"Each text of the character may have at most {MaxTextChars} characters.";
        if (r.Creator?.Length > MaxShortChars || r.CharacterVersion?.Length > MaxShortChars)
        {
            return $"The creator and the character version may have at most {MaxShortChars} characters.";
        }
        if (r.AlternateGreetings is { } greetings && (greetings.Count > MaxGreetings || greetings.Any(g => g is null || g.Length > MaxTextChars)))
        {
            return $"A character may have at most {MaxGreetings} alternate greetings of at most {MaxTextChars} characters.";
        }
        if (r.Tags is { } tags && (tags.Count > MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Trim().Length > MaxTagChars)))
        {
            return $"A character may have at most {MaxTags} tags of 1 to {MaxTagChars} characters.";
        }
        if (r.Extensions?.ToJsonString().Length > MaxJsonChars) return "The extensions are too large.";
        if (r.Lorebook is { } book)
        {
            if (book.ToJsonString().Length > MaxJsonChars) return "The lorebook is too large.";
            if (Lorebook.Read(book).Problem is { } problem) return problem;
        }
        return null;
    }

    private static bool ValidList(IReadOnlyList<string>? items) =>
        items is not null && items.Count <= MaxListItems && items.All(i => !string.IsNullOrWhiteSpace(i) && i.Length <= MaxTextChars);
}
