namespace ChatHub.Accounts;

public static class Roles
{
    public const string Free = "free";
    public const string Paid = "paid";
    public const string Admin = "admin";

    public static bool IsKnown(string? role) => role is Free or Paid or Admin;
}

/// <param name="Email">Trimmed and lower-cased: the unique key.</param>
/// <param name="TokenVersion">
/// Written into every access token; a token with an older version is refused. Raised when the
/// password or role changes, so those changes end the access tokens issued before them.
/// </param>
public sealed record User(
    string Id,
    string Name,
    string Email,
    string PasswordHash,
    string Role,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int TokenVersion = 0)
{
    /// <summary>
    /// The <see cref="PasswordHash"/> of an account made by signing in with a provider: not a hash of
    /// anything, so no password matches it ("!" as in /etc/shadow). A password reset can give it one.
    /// </summary>
    public const string NoPassword = "!";

    /// <summary>Who the user is in role-play, told to the model with every reply; empty when not set.</summary>
    public string Persona { get; init; } = "";

    public bool HasPassword => PasswordHash != NoPassword;
}

/// <summary>What an update changes; null members stay as they are.</summary>
public sealed record UserChanges(DateTimeOffset UpdatedAt, string? Name = null, string? PasswordHash = null, string? Role = null, string? Persona = null)
{
    /// <summary>A new password or role ends every access token issued before it: the store adds one to <see cref="User.TokenVersion"/>.</summary>
    public bool EndsAccessTokens => PasswordHash is not null || Role is not null;
}

public interface IUserStore
{
    /// <summary>False when the email is already taken.</summary>
    Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken);

    Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<User?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>Applies the changes in one atomic write and returns the user as changed; null when there is no such user.</summary>
    Task<User?> UpdateAsync(string id, UserChanges changes, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> users in id order (the order they signed up), after <paramref name="afterId"/>
    /// when given; callers pass a valid id (<see cref="Infrastructure.Ids.IsValid"/>). With <paramref name="query"/>,
    /// only users whose email or name contains it, ignoring case (as written: no pattern).
    /// </summary>
    Task<IReadOnlyList<User>> ListAsync(int limit, string? afterId, string? query, CancellationToken cancellationToken);

    /// <summary>False when there was no such user.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);
}
