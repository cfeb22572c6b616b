using ChatHub.Contracts;

namespace ChatHub.Characters;

public static class CharacterMapping
{
    public static CharacterDto ToDto(this Character c) => new()
    {
        Id = c.Id,
        Name = c.Name,
        Description = c.Description,
        Personality = new PersonalityDto { Traits = c.Traits, KnowledgeBase = c.KnowledgeBase },
        AiSettings = new AiSettingsDto { Temperature = c.Temperature, MaxTokens = c.MaxTokens },
    };

    public static Character ToCharacter(this CharacterRequest r, string id, DateTimeOffset createdAt, DateTimeOffset updatedAt) =>
        new(id, r.Name.Trim(), r.Description.Trim(), r.Personality.Traits, r.Personality.KnowledgeBase,
            r.AiSettings.Temperature, r.AiSettings.MaxTokens, createdAt, updatedAt);
}

public static class CharacterValidation
{
    public const int MaxNameChars = 100;
    public const int MaxDescriptionChars = 2000;
    public const int MaxListItems = 20;
    public const int MaxItemChars = 100;
    public const int MaxTokensLimit = 4096;

    /// <summary>What is wrong with the request, in words for the admin; null when it is fine.</summary>
    public static string? Check(CharacterRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Trim().Length > MaxNameChars) return $"The name must have 1 to {MaxNameChars} characters.";
        if (r.Description is null || r.Description.Length > MaxDescriptionChars) return $"The description may have at most {MaxDescriptionChars} characters.";
        if (r.Personality is null || !ValidList(r.Personality.Traits) || !ValidList(r.Personality.KnowledgeBase))
        {
            return $"Traits and knowledge base are lists of at most {MaxListItems} non-empty entries of at most {MaxItemChars} characters.";
        }
        if (r.AiSettings is null || !(r.AiSettings.Temperature is >= 0 and <= 2)) return "The temperature must be between 0 and 2.";
        if (r.AiSettings.MaxTokens is < 1 or > MaxTokensLimit) return $"max_tokens must be between 1 and {MaxTokensLimit}.";
        return null;
    }

    private static bool ValidList(IReadOnlyList<string>? items) =>
        items is not null && items.Count <= MaxListItems && items.All(i => !string.IsNullOrWhiteSpace(i) && i.Length <= MaxItemChars);
}
