namespace ChatHub.Accounts;

/// <summary>Each kind lives in a collection (table) of its own.</summary>
public enum OneTimeTokenKind
{
    /// <summary><c>password_resets</c> (the seed's Password Reset collection).</summary>
    PasswordReset,

    /// <summary><c>account_deletion_requests</c> (the seed's Account Deletion Requests).</summary>
    AccountDeletion,

    /// <summary><c>login_challenges</c>: a password was right and the second factor is still to come.</summary>
    LoginChallenge,
}

/// <summary>
/// A secret that works once and only until <paramref name="ExpiresAt"/>: stored as the SHA-256 of its
/// value (<see cref="OpaqueTokens"/>), never the value.
/// </summary>
/// <param name="Email">The account's email when the token was made: a link sent to one address must not work after the address changed.</param>
public sealed record OneTimeToken(string Id, string TokenHash, string UserId, string Email, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    /// <summary>Unexpired mailed links of one kind one account may have: enough for a lost mail or two, too few to flood a mailbox.</summary>
    public const int MaxLivePerUser = 3;
}

/// <summary>One kind of one-time token; resolve it with <c>[FromKeyedServices(OneTimeTokenKind.…)]</c>.</summary>
public interface IOneTimeTokenStore
{
    Task CreateAsync(OneTimeToken token, CancellationToken cancellationToken);

    /// <summary>The token while it is unused and unexpired at <paramref name="now"/>; does not use it.</summary>
    Task<OneTimeToken?> FindAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the token and returns it, in one conditional write that matches only while it is
    /// unexpired at <paramref name="now"/>: of callers racing with one token, exactly one gets it.
    /// </summary>
    Task<OneTimeToken?> TryUseAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>How many of the user's tokens are unexpired at <paramref name="now"/>: bounds how many mails one account gets.</summary>
    Task<int> CountLiveAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    Task DeleteAllAsync(string userId, CancellationToken cancellationToken);
}
