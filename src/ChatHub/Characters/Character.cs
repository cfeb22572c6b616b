namespace ChatHub.Characters;

public sealed record Character(
    string Id,
    string Name,
    string Description,
    IReadOnlyList<string> Traits,
    IReadOnlyList<string> KnowledgeBase,
    double Temperature,
    int MaxTokens,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public interface ICharacterStore
{
    Task<IReadOnlyList<Character>> ListAsync(CancellationToken cancellationToken);

    Task<Character?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>False when a character with that id exists already.</summary>
    Task<bool> TryCreateAsync(Character character, CancellationToken cancellationToken);

    /// <summary>Replaces every field but <see cref="Character.CreatedAt"/>; false when there is no such character.</summary>
    Task<bool> UpdateAsync(Character character, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
