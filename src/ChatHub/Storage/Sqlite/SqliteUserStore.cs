using ChatHub.Accounts;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

public sealed class SqliteUserStore(SqliteDatabase db) : IUserStore
{
    private const string Columns = "id, name, email, password_hash, role, created_at, updated_at";

    public async Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"INSERT INTO users ({Columns}) VALUES ($id, $name, $email, $hash, $role, $created, $updated)",
            ("$id", user.Id), ("$name", user.Name), ("$email", user.Email), ("$hash", user.PasswordHash),
            ("$role", user.Role), ("$created", user.CreatedAt.ToMs()), ("$updated", user.UpdatedAt.ToMs()));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }
        catch (SqliteException ex) when (ex.IsUniqueViolation())
        {
            return false;
        }
    }

    public Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        FindAsync("email", email, cancellationToken);

    public Task<User?> FindByIdAsync(string id, CancellationToken cancellationToken) =>
        FindAsync("id", id, cancellationToken);

    private async Task<User?> FindAsync(string column, string value, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM users WHERE {column} = $value", ("$value", value));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new User(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), reader.GetTime(5), reader.GetTime(6));
    }
}
