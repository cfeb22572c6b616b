using ChatHub.Contracts;

namespace ChatHub.Characters;

/// <summary>
/// A character: the seed's fields, then who owns it and who sees it, then the fields of a character card.
/// <see cref="DeletedAt"/> marks one its owner deleted: its conversations keep using this last version, and no new ones start.
/// </summary>
public sealed record Character(
    string Id,
    string Name,
    string Description,
    IReadOnlyList<string> Traits,
    IReadOnlyList<string> KnowledgeBase,
    double Temperature,
    int MaxTokens,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>Null for the built-in characters.</summary>
    public string? OwnerId { get; init; }

    public string Visibility { get; init; } = CharacterVisibility.Public;

    public bool Hidden { get; init; }

    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>Kept by the store (<see cref="ICharacterStore.CountConversationStartedAsync"/>); writes of the character leave it.</summary>
    public long ConversationsStarted { get; init; }

    public CardFields Card { get; init; } = CardFields.Empty;

    /// <summary>The stored avatar's ETag; null when there is none. Kept by <see cref="ICharacterStore.SetAvatarAsync"/>.</summary>
    public string? AvatarEtag { get; init; }

    /// <summary>The model profile its conversations use unless they pick one; null for the default.</summary>
    public string? ModelProfile { get; init; }

    public bool IsDeleted => DeletedAt is not null;
}
