namespace ChatHub.Accounts;

public static class Roles
{
    public const string Free = "free";
    public const string Paid = "paid";
    public const string Admin = "admin";
}

/// <param name="Email">Trimmed and lower-cased: the unique key.</param>
public sealed record User(
    string Id,
    string Name,
    string Email,
    string PasswordHash,
    string Role,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public interface IUserStore
{
    /// <summary>False when the email is already taken.</summary>
    Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken);

    Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<User?> FindByIdAsync(string id, CancellationToken cancellationToken);
}
