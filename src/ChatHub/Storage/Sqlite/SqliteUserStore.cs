using ChatHub.Accounts;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

public sealed class SqliteUserStore(SqliteDatabase db) : IUserStore
{
    private const string Columns = "id, name, email, password_hash, role, created_at, updated_at, token_version, persona";

    public async Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"INSERT INTO users ({Columns}) VALUES ($id, $name, $email, $hash, $role, $created, $updated, $version, $persona)",
            ("$id", user.Id), ("$name", user.Name), ("$email", user.Email), ("$hash", user.PasswordHash),
            ("$role", user.Role), ("$created", user.CreatedAt.ToMs()), ("$updated", user.UpdatedAt.ToMs()), ("$version", user.TokenVersion), ("$persona", user.Persona));
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

    public async Task<User?> UpdateAsync(string id, UserChanges changes, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            UPDATE users SET name = COALESCE($name, name), password_hash = COALESCE($hash, password_hash), role = COALESCE($role, role),
                             persona = COALESCE($persona, persona),
                             updated_at = $updated, token_version = token_version + $bump
            WHERE id = $id
            RETURNING {Columns}
            """,
            ("$id", id), ("$name", changes.Name), ("$hash", changes.PasswordHash), ("$role", changes.Role), ("$persona", changes.Persona),
            ("$updated", changes.UpdatedAt.ToMs()), ("$bump", changes.EndsAccessTokens ? 1 : 0));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<User>> ListAsync(int limit, string? afterId, string? query, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        // Ids are lower-case hex ObjectIds, so text order is the order Mongo sorts them in: by time of creation.
        // instr, not LIKE: the query is text to find, and LIKE would read its % and _ as wildcards.
        await using var command = connection.Command(
            $"SELECT {Columns} FROM users WHERE ($after IS NULL OR id > $after) "
            + "AND ($query IS NULL OR instr(lower(email), $query) > 0 OR instr(lower(name), $query) > 0) ORDER BY id LIMIT $limit",
            ("$after", afterId), ("$query", query?.ToLowerInvariant()), ("$limit", limit));
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) =>
        await db.ExecuteAsync("DELETE FROM users WHERE id = $id", cancellationToken, ("$id", id)) == 1;

    private async Task<User?> FindAsync(string column, string value, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM users WHERE {column} = $value", ("$value", value));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<User>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<User>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new User(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetTime(5), reader.GetTime(6), reader.GetInt32(7)) { Persona = reader.GetString(8) });
        }
        return list;
    }
}
