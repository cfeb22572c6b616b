using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// Sessions: a sign-in starts a family of refresh tokens; each refresh uses one up and adds the
/// next. A token shown after it was used means two parties hold the session, so the family ends.
/// </summary>
public sealed partial class SessionService(
    IRefreshTokenStore tokens,
    IUserStore users,
    TokenService accessTokens,
    UserConnections connections,
    IHttpContextAccessor requests,
    IOptions<AuthOptions> options,
    TimeProvider clock,
    ILogger<SessionService> logger)
{
    /// <summary>Long enough for any browser's User-Agent; a longer one is cut, not refused.</summary>
    public const int MaxUserAgentChars = 512;

    /// <summary>A new session. Its id (the refresh-token family's) carries the time of the sign-in, which every access token of it repeats.</summary>
    public Task<AuthResponse> StartAsync(User user, CancellationToken cancellationToken) =>
        IssueAsync(user, familyId: Ids.New(clock.GetUtcNow()), startedAt: null, cancellationToken);

    /// <summary>A new pair for a valid, unused refresh token; null for anything else (the same answer for every reason).</summary>
    public async Task<AuthResponse?> RefreshAsync(string? presented, CancellationToken cancellationToken)
    {
        if (OpaqueTokens.HashOf(presented) is not { } hash) return null;
        var token = await tokens.FindAsync(hash, cancellationToken);
        var now = clock.UtcNowMs();
        if (token is null || token.Revoked || token.ExpiresAt <= now) return null;

        // Losing the race to a concurrent refresh with the same token is a reuse too: only one may continue the family.
        if (token.Used || !await tokens.TryUseAsync(hash, now, cancellationToken))
        {
            LogReuse(logger, token.UserId, token.FamilyId);
            await EndSessionAsync(token.UserId, token.FamilyId, SessionEndReasons.SessionRevoked, cancellationToken);
            return null;
        }

        // Read after the token is used up, so the new access token carries the current role and token version.
        var user = await users.FindByIdAsync(token.UserId, cancellationToken);
        if (user is null) return null;
        var response = await IssueAsync(user, token.FamilyId, token.SessionStartedAt ?? token.CreatedAt, cancellationToken);

        // A revocation (a replay, a sign-out, a password change) that ran between our use and our insert
        // missed the new token; it did mark the one we used, so look again and finish its work.
        if (await tokens.IsFamilyRevokedAsync(token.FamilyId, cancellationToken))
        {
            await tokens.RevokeFamilyAsync(token.FamilyId, cancellationToken);
            return null;
        }
        return response;
    }

    /// <summary>Signs out: ends the session the token belongs to, on every device that shares it. Unknown tokens are ignored.</summary>
    public async Task EndAsync(string? presented, CancellationToken cancellationToken)
    {
        if (OpaqueTokens.HashOf(presented) is { } hash && await tokens.FindAsync(hash, cancellationToken) is { } token)
        {
            await EndSessionAsync(token.UserId, token.FamilyId, SessionEndReasons.SignedOut, cancellationToken);
        }
    }

    /// <summary>
    /// Ends one session: none of its refresh tokens works any more, its access tokens are refused, and its hub
    /// connections on every node are told <paramref name="reason"/> (a <see cref="SessionEndReasons"/> value) and closed.
    /// The caller has checked that <paramref name="sessionId"/> (the <c>sid</c> of its access tokens) is the user's.
    /// </summary>
    public async Task EndSessionAsync(string userId, string sessionId, string reason, CancellationToken cancellationToken)
    {
        await tokens.RevokeFamilyAsync(sessionId, cancellationToken);
        await connections.EndAsync(new SessionEnd(userId, sessionId, reason));
    }

    /// <summary>
    /// Ends every session of the user: no refresh token works any more, and their hub connections close at once
    /// (callers have already raised the token version, so a reconnect with an old access token is refused).
    /// </summary>
    public async Task EndAllAsync(string userId, string reason, CancellationToken cancellationToken)
    {
        await tokens.RevokeAllAsync(userId, cancellationToken);
        await connections.EndAsync(new SessionEnd(userId, null, reason));
    }

    /// <summary>The sessions of the user that are still on (one live refresh token each), most recently used first.</summary>
    public Task<IReadOnlyList<RefreshToken>> ListAsync(string userId, CancellationToken cancellationToken) =>
        tokens.ListLiveAsync(userId, clock.UtcNowMs(), cancellationToken);

    /// <summary>Ends one session of the user's; false when the user has no such session on (someone else's included).</summary>
    public async Task<bool> EndOneAsync(string userId, string sessionId, CancellationToken cancellationToken)
    {
        if (!(await ListAsync(userId, cancellationToken)).Any(token => token.FamilyId == sessionId)) return false;
        await EndSessionAsync(userId, sessionId, SessionEndReasons.SessionRevoked, cancellationToken);
        return true;
    }

    /// <summary>Ends every session of the user but <paramref name="keep"/>; returns how many ended.</summary>
    public async Task<int> EndOthersAsync(string userId, string? keep, CancellationToken cancellationToken)
    {
        var others = (await ListAsync(userId, cancellationToken)).Where(token => token.FamilyId != keep).ToList();
        foreach (var token in others) await EndSessionAsync(userId, token.FamilyId, SessionEndReasons.SessionRevoked, cancellationToken);
        return others.Count;
    }

    /// <param name="startedAt">When the session began; null for a sign-in, which begins it now.</param>
    private async Task<AuthResponse> IssueAsync(User user, string familyId, DateTimeOffset? startedAt, CancellationToken cancellationToken)
    {
        var (value, hash) = OpaqueTokens.New();
        var now = clock.UtcNowMs();
        var refresh = new RefreshToken(Ids.New(), hash, familyId, user.Id, now, now.AddDays(options.Value.RefreshTokenDays),
            UserAgent: UserAgent(), SessionStartedAt: startedAt ?? now);
        await tokens.CreateAsync(refresh, cancellationToken);
        var access = accessTokens.Issue(user, familyId, Ids.TimeOf(familyId) ?? now);
        return new AuthResponse
        {
            AccessToken = access.Token,
            ExpiresAt = access.ExpiresAt,
            User = user.ToDto(),
            RefreshToken = value,
            RefreshTokenExpiresAt = refresh.ExpiresAt,
        };
    }

    /// <summary>The device asking for the token; sign-ins and refreshes come from many endpoints, all through here.</summary>
    private string? UserAgent() =>
        requests.HttpContext?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, MaxUserAgentChars)] : null;

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "A used refresh token of user {UserId} was shown again; session {FamilyId} is revoked")]
    private static partial void LogReuse(ILogger logger, string userId, string familyId);
}
