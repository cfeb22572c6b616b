using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// Whether an access token still speaks for its user: the user exists and the token carries the
/// user's current token version. Asked on every REST request and every hub call; the answer is
/// kept for <see cref="AuthOptions.SessionCheckSeconds"/> and dropped at once when this node changes the user.
/// </summary>
public sealed class SessionCheck(IUserStore users, IMemoryCache cache, IOptions<AuthOptions> options)
{
    public async ValueTask<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var current = await CurrentVersionAsync(principal.UserId(), cancellationToken);
        return current == principal.TokenVersion();
    }

    /// <summary>Call after changing a user, so this node applies the change on the next request.</summary>
    public void Forget(string userId) => cache.Remove(Key(userId));

    /// <summary>Null for a user who no longer exists.</summary>
    private async ValueTask<int?> CurrentVersionAsync(string userId, CancellationToken cancellationToken)
    {
        var seconds = options.Value.SessionCheckSeconds;
        if (seconds == 0) return (await users.FindByIdAsync(userId, cancellationToken))?.TokenVersion;
        if (cache.TryGetValue(Key(userId), out int? cached)) return cached;

        var version = (await users.FindByIdAsync(userId, cancellationToken))?.TokenVersion;
        cache.Set(Key(userId), version, TimeSpan.FromSeconds(seconds));
        return version;
    }

    private static (string, string) Key(string userId) => (nameof(SessionCheck), userId);
}
