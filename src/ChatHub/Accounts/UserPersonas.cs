using ChatHub.Llm;
using Microsoft.Extensions.Caching.Memory;

namespace ChatHub.Accounts;

/// <summary>
/// Users' names and personas as replies read them: every reply needs one, and they rarely change. A change
/// made on this node applies at once; one made on another node within <see cref="Lifetime"/>.
/// </summary>
public sealed class UserPersonas(IUserStore users, IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public async ValueTask<UserPersona> GetAsync(string userId, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(Key(userId), out UserPersona? cached) && cached is not null) return cached;
        var user = await users.FindByIdAsync(userId, cancellationToken);
        var persona = user is null ? UserPersona.Unknown : new UserPersona(user.Name, user.Persona);
        cache.Set(Key(userId), persona, Lifetime);
        return persona;
    }

    /// <summary>Call after changing the user's name or persona.</summary>
    public void Forget(string userId) => cache.Remove(Key(userId));

    private static (string, string) Key(string userId) => (nameof(UserPersonas), userId);
}
