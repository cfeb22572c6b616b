using System.Security.Claims;
using ChatHub.Contracts;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// Whether an access token still speaks for its user: the user exists, the token carries the user's current token
/// version and role, and its session has not ended. Asked on every REST request and every hub call; each answer is
/// kept for <see cref="AuthOptions.SessionCheckSeconds"/> and dropped at once when a change reaches this node
/// (made here, or relayed from another node through Redis).
/// </summary>
public sealed class SessionCheck(IUserStore users, IRefreshTokenStore sessions, IMemoryCache cache, IOptions<AuthOptions> options)
{
    private sealed record Stamp(int Version, string Role);

    public async ValueTask<bool> IsCurrentAsync(ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        await EndReasonAsync(principal, cancellationToken) is null;

    /// <summary>Null while the token speaks for its user; else why not, as a <see cref="SessionEndReasons"/> value.</summary>
    public async ValueTask<string?> EndReasonAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var stamp = await CachedAsync<Stamp?>(UserKey(principal.UserId()), async () =>
            await users.FindByIdAsync(principal.UserId(), cancellationToken) is { } user ? new Stamp(user.TokenVersion, user.Role) : null);
        if (stamp is null) return SessionEndReasons.AccountDeleted;
        if (stamp.Role != principal.Role()) return SessionEndReasons.RoleChanged;
        if (stamp.Version != principal.TokenVersion()) return SessionEndReasons.PasswordChanged;
        if (principal.SessionId() is { } sessionId
            && await CachedAsync(SessionKey(sessionId), () => sessions.IsFamilyRevokedAsync(sessionId, cancellationToken)))
        {
            return SessionEndReasons.SessionRevoked;
        }
        return null;
    }

    /// <summary>Call after changing a user, so this node applies the change on the next request.</summary>
    public void Forget(string userId) => cache.Remove(UserKey(userId));

    public void Forget(SessionEnd end)
    {
        Forget(end.UserId);
        if (end.SessionId is { } sessionId) cache.Remove(SessionKey(sessionId));
    }

    private async ValueTask<T> CachedAsync<T>((string, string) key, Func<Task<T>> read)
    {
        var seconds = options.Value.SessionCheckSeconds;
        if (seconds == 0) return await read();
        if (cache.TryGetValue(key, out T? cached)) return cached!;
        var value = await read();
        cache.Set(key, value, TimeSpan.FromSeconds(seconds));
        return value;
    }

    private static (string, string) UserKey(string userId) => (nameof(SessionCheck), userId);

    private static (string, string) SessionKey(string sessionId) => ("session-revoked", sessionId);
}
