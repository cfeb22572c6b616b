namespace ChatHub.Characters;

/// <summary>Characters, their avatars, and what users report about them.</summary>
public interface ICharacterStore
{
    /// <summary>True when any character exists, deleted ones included.</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken);

    /// <summary>The character as stored, deleted and hidden ones included (their conversations still need them).</summary>
    Task<Character?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>False when a character with that id exists already.</summary>
    Task<bool> TryCreateAsync(Character character, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the seed's and the card's fields, <see cref="Character.Visibility"/> and <see cref="Character.UpdatedAt"/>;
    /// false when there is no such character or it was deleted.
    /// </summary>
    Task<bool> UpdateAsync(Character character, CancellationToken cancellationToken);

    /// <summary>Marks the character deleted at <paramref name="at"/>; false when there is no such character or it was deleted already.</summary>
    Task<bool> DeleteAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>False when there is no such character.</summary>
    Task<bool> SetHiddenAsync(string id, bool hidden, CancellationToken cancellationToken);

    /// <summary>Characters the user owns, deleted ones left out.</summary>
    Task<int> CountOwnedAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>One more conversation started with the character, counted in one atomic write.</summary>
    Task CountConversationStartedAsync(string id, CancellationToken cancellationToken);

    Task<CataloguePage> SearchAsync(CatalogueQuery query, CancellationToken cancellationToken);

    /// <summary>Stores the avatar and its ETag on the character; false when there is no such character.</summary>
    Task<bool> SetAvatarAsync(string id, Avatar avatar, CancellationToken cancellationToken);

    Task<Avatar?> GetAvatarAsync(string id, CancellationToken cancellationToken);

    Task AddReportAsync(CharacterReport report, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> reports, newest first, older than <paramref name="beforeId"/> when given.</summary>
    Task<IReadOnlyList<CharacterReport>> ListReportsAsync(int limit, string? beforeId, CancellationToken cancellationToken);
}
