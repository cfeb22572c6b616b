namespace ChatHub.Accounts.Sessions;

/// <summary>
/// One refresh token as stored: only the SHA-256 of its value, never the value. Every token a
/// sign-in leads to shares that sign-in's <paramref name="FamilyId"/>, so one reused token can end
/// the whole chain.
/// </summary>
/// <param name="Used">Exchanged for a new pair already; shown again, it is a replay.</param>
/// <param name="UserAgent">The User-Agent of the request that got the token: which device holds the session now.</param>
/// <param name="SessionStartedAt">When the family's first token was made (the sign-in); null for tokens from before it was kept.</param>
public sealed record RefreshToken(
    string Id,
    string TokenHash,
    string FamilyId,
    string UserId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    bool Used = false,
    bool Revoked = false,
    string? UserAgent = null,
    DateTimeOffset? SessionStartedAt = null);

public interface IRefreshTokenStore
{
    Task CreateAsync(RefreshToken token, CancellationToken cancellationToken);

    Task<RefreshToken?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the token used in one conditional write that matches only while it is unused, not
    /// revoked and not expired at <paramref name="now"/>: of two callers racing with one token,
    /// exactly one gets true.
    /// </summary>
    Task<bool> TryUseAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>True when any token of the family has been revoked.</summary>
    Task<bool> IsFamilyRevokedAsync(string familyId, CancellationToken cancellationToken);

    Task RevokeFamilyAsync(string familyId, CancellationToken cancellationToken);

    /// <summary>
    /// The user's tokens still usable at <paramref name="now"/> (unused, not revoked, not expired), newest first: one
    /// for each session that is still on, the latest of its family.
    /// </summary>
    Task<IReadOnlyList<RefreshToken>> ListLiveAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes every token of the user: every session on every device ends.</summary>
    Task RevokeAllAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Deletes every token of the user, for an account being deleted.</summary>
    Task DeleteAllAsync(string userId, CancellationToken cancellationToken);
}
