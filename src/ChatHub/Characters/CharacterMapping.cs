using System.Text.Json.Nodes;
using ChatHub.Contracts;

namespace ChatHub.Characters;

public static class CharacterMapping
{
    public const double DefaultTemperature = 0.8;
    public const int DefaultMaxTokens = 500;

    public static CharacterDto ToDto(this Character c) => new()
    {
        Id = c.Id,
        Name = c.Name,
        Description = c.Description,
        Personality = new PersonalityDto { Traits = c.Traits, KnowledgeBase = c.KnowledgeBase },
        AiSettings = new AiSettingsDto { Temperature = c.Temperature, MaxTokens = c.MaxTokens },
        OwnerId = c.OwnerId,
        Visibility = c.Visibility,
        Hidden = c.Hidden,
        Scenario = c.Card.Scenario,
        Greeting = c.Card.Greeting,
        AlternateGreetings = c.Card.AlternateGreetings,
        ExampleDialogue = c.Card.ExampleDialogue,
        SystemPrompt = c.Card.SystemPrompt,
        PostHistoryInstructions = c.Card.PostHistoryInstructions,
        CreatorNotes = c.Card.CreatorNotes,
        Tags = c.Card.Tags,
        Creator = c.Card.Creator,
        CharacterVersion = c.Card.CharacterVersion,
        Lorebook = c.Card.Lorebook is { } book ? JsonObjectOf(book) : null,
        Extensions = JsonObjectOf(c.Card.Extensions),
        Avatar = c.AvatarUrl(),
        ConversationsStarted = c.ConversationsStarted,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        ModelProfile = c.ModelProfile,
    };

    /// <summary>The avatar's URL, which changes when the avatar does; null when there is none.</summary>
    public static string? AvatarUrl(this Character c) => c.AvatarEtag is { } etag ? $"{Routes.CharacterAvatar(c.Id)}?v={Uri.EscapeDataString(etag)}" : null;

    /// <summary>A new character of <paramref name="ownerId"/>; what the request leaves out takes its default.</summary>
    public static Character ToCharacter(this CharacterRequest r, string id, string ownerId, DateTimeOffset now) =>
        r.ApplyTo(new Character(id, "", "", [], [], DefaultTemperature, DefaultMaxTokens, now, now)
        {
            OwnerId = ownerId,
            Visibility = CharacterVisibility.Private,
        }, now);

    /// <summary>The character as the request changes it: what it leaves out (null) stays as it was.</summary>
    public static Character ApplyTo(this CharacterRequest r, Character existing, DateTimeOffset now)
    {
        var card = existing.Card;
        return existing with
        {
            Name = r.Name.Trim(),
            Description = r.Description.Trim(),
            Traits = r.Personality?.Traits ?? existing.Traits,
            KnowledgeBase = r.Personality?.KnowledgeBase ?? existing.KnowledgeBase,
            Temperature = r.AiSettings?.Temperature ?? existing.Temperature,
            MaxTokens = r.AiSettings?.MaxTokens ?? existing.MaxTokens,
            UpdatedAt = now,
            Visibility = r.Visibility ?? existing.Visibility,
            ModelProfile = r.ModelProfile is null ? existing.ModelProfile : r.ModelProfile.Length == 0 ? null : r.ModelProfile,
            Card = card with
            {
                Scenario = r.Scenario ?? card.Scenario,
                Greeting = r.Greeting ?? card.Greeting,
                AlternateGreetings = r.AlternateGreetings ?? card.AlternateGreetings,
                ExampleDialogue = r.ExampleDialogue ?? card.ExampleDialogue,
                SystemPrompt = r.SystemPrompt ?? card.SystemPrompt,
                PostHistoryInstructions = r.PostHistoryInstructions ?? card.PostHistoryInstructions,
                CreatorNotes = r.CreatorNotes ?? card.CreatorNotes,
                Tags = r.Tags?.Select(t => t.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? card.Tags,
                Creator = r.Creator ?? card.Creator,
                CharacterVersion = r.CharacterVersion ?? card.CharacterVersion,
                Lorebook = r.Lorebook?.ToJsonString() ?? card.Lorebook,
                Extensions = r.Extensions?.ToJsonString() ?? card.Extensions,
            },
        };
    }

    public static JsonObject JsonObjectOf(string text) => JsonNode.Parse(text) as JsonObject ?? [];
}
