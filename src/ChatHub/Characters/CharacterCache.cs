using Microsoft.Extensions.Caching.Memory;

namespace ChatHub.Characters;

/// <summary>
/// Characters as replies read them: every reply needs its character, and characters rarely change.
/// A change made on this node applies at once; one made on another node within <see cref="Lifetime"/>.
/// </summary>
public sealed class CharacterCache(ICharacterStore store, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Null for a character that does not exist (not cached, so a new one is found at once).</summary>
    public async ValueTask<Character?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(Key(id), out Character? cached)) return cached;
        var character = await store.GetAsync(id, cancellationToken);
        if (character is not null) cache.Set(Key(id), character, Lifetime);
        return character;
    }

    /// <summary>Call after changing or deleting a character.</summary>
    public void Forget(string id) => cache.Remove(Key(id));

    private static (string, string) Key(string id) => (nameof(CharacterCache), id);
}
