using ChatHub.Accounts.Sessions;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

public sealed class SqliteRefreshTokenStore(SqliteDatabase db) : IRefreshTokenStore
{
    private const string Columns = "id, token_hash, family_id, user_id, created_at, expires_at, used, revoked, user_agent, session_started_at";

    public async Task CreateAsync(RefreshToken token, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // SQLite has no TTL index: each new token clears its user's expired ones, so the table stays small.
        await using var sweep = connection.Command(
            "DELETE FROM refresh_tokens WHERE user_id = $user AND expires_at <= $now", ("$user", token.UserId), ("$now", token.CreatedAt.ToMs()));
        sweep.Transaction = transaction;
        await sweep.ExecuteNonQueryAsync(cancellationToken);
        await using var insert = connection.Command(
            $"INSERT INTO refresh_tokens ({Columns}) VALUES ($id, $hash, $family, $user, $created, $expires, $used, $revoked, $agent, $started)",
            ("$id", token.Id), ("$hash", token.TokenHash), ("$family", token.FamilyId), ("$user", token.UserId),
            ("$created", token.CreatedAt.ToMs()), ("$expires", token.ExpiresAt.ToMs()), ("$used", token.Used), ("$revoked", token.Revoked),
            ("$agent", token.UserAgent), ("$started", token.SessionStartedAt?.ToMs()));
        insert.Transaction = transaction;
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<RefreshToken?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM refresh_tokens WHERE token_hash = $hash", ("$hash", tokenHash));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<RefreshToken>> ListLiveAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM refresh_tokens WHERE user_id = $user AND used = 0 AND revoked = 0 AND expires_at > $now ORDER BY created_at DESC, id DESC",
            ("$user", userId), ("$now", now.ToMs()));
        return await ReadAllAsync(command, cancellationToken);
    }

    public Task<bool> TryUseAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE refresh_tokens SET used = 1 WHERE token_hash = $hash AND used = 0 AND revoked = 0 AND expires_at > $now",
            cancellationToken, ("$hash", tokenHash), ("$now", now.ToMs()));

    public async Task<bool> IsFamilyRevokedAsync(string familyId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $family AND revoked = 1)", ("$family", familyId));
        return Convert.ToBoolean(await command.ExecuteScalarAsync(cancellationToken));
    }

    public Task RevokeFamilyAsync(string familyId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $family", cancellationToken, ("$family", familyId));

    public Task RevokeAllAsync(string userId, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE refresh_tokens SET revoked = 1 WHERE user_id = $user", cancellationToken, ("$user", userId));

    public Task DeleteAllAsync(string userId, CancellationToken cancellationToken) =>
        db.ExecuteAsync("DELETE FROM refresh_tokens WHERE user_id = $user", cancellationToken, ("$user", userId));

    private static async Task<IReadOnlyList<RefreshToken>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<RefreshToken>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RefreshToken(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetTime(4), reader.GetTime(5), reader.GetBoolean(6), reader.GetBoolean(7),
                reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetTime(9)));
        }
        return list;
    }

    /// <summary>True when the statement changed exactly one row.</summary>
    private async Task<bool> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await db.ExecuteAsync(sql, cancellationToken, parameters) == 1;
}
