namespace ChatHub.Accounts.OAuth;

/// <summary>
/// A provider's tokens as stored: each one encrypted with Data Protection (<see cref="ProviderTokenProtector"/>),
/// never in the clear. <paramref name="AccessTokenExpiresAt"/> is when the provider's access token ends, not
/// the link: the seed's <c>expires_at</c>, renamed so that no TTL index ever deletes a link by it.
/// </summary>
public sealed record ProviderTokens(string? AccessToken, string? RefreshToken, DateTimeOffset? AccessTokenExpiresAt);

/// <summary>
/// A user's link to an account at a provider (the seed's "OAuth Accounts"). A provider account links
/// to one user; a user links at most one account per provider.
/// </summary>
/// <param name="Provider">The provider's name in the routes: <c>google</c> or a configured OpenID Connect provider.</param>
/// <param name="ProviderUserId">The provider's id for its user (the <c>sub</c> claim): unlike an email, it never changes.</param>
/// <param name="Email">The email the provider gave when the link was made, to show which account it is.</param>
public sealed record OAuthAccount(
    string Id,
    string UserId,
    string Provider,
    string ProviderUserId,
    string? Email,
    ProviderTokens Tokens,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public interface IOAuthAccountStore
{
    /// <summary>False when the provider account is linked already, or the user already has a link to this provider.</summary>
    Task<bool> TryCreateAsync(OAuthAccount account, CancellationToken cancellationToken);

    Task<OAuthAccount?> FindAsync(string provider, string providerUserId, CancellationToken cancellationToken);

    /// <summary>The user's links, in order of provider name.</summary>
    Task<IReadOnlyList<OAuthAccount>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The tokens of a new sign-in. A null refresh token keeps the stored one: providers send one only now and then.</summary>
    Task UpdateTokensAsync(string id, ProviderTokens tokens, DateTimeOffset updatedAt, CancellationToken cancellationToken);

    /// <summary>False when the user has no link to the provider.</summary>
    Task<bool> DeleteAsync(string userId, string provider, CancellationToken cancellationToken);

    /// <summary>Every link of the user: for deleting an account.</summary>
    Task DeleteForUserAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>A one-time sign-in code as stored: only its hash, with the user it signs in.</summary>
public sealed record OAuthLoginCode(string Id, string CodeHash, string UserId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

public interface IOAuthLoginCodeStore
{
    Task CreateAsync(OAuthLoginCode code, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the code in one conditional write that matches only while it has not expired at
    /// <paramref name="now"/>, and returns its user id; null for an unknown, used or expired code.
    /// Of two callers racing with one code, exactly one gets the user.
    /// </summary>
    Task<string?> TryTakeAsync(string codeHash, DateTimeOffset now, CancellationToken cancellationToken);
}
