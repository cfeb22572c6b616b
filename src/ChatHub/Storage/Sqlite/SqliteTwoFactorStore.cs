using System.Text.Json;
using ChatHub.Accounts.TwoFactor;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

/// <summary><c>backup_codes</c> is a JSON array, like the seed's; SQLite's JSON functions remove one code inside a single UPDATE.</summary>
public sealed class SqliteTwoFactorStore(SqliteDatabase db) : ITwoFactorStore
{
    private const string Columns = "user_id, secret, backup_codes, created_at, confirmed_at, last_used_step";

    public async Task<TwoFactorEnrollment?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM two_factor WHERE user_id = $user", ("$user", userId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new TwoFactorEnrollment(reader.GetString(0), reader.GetString(1),
            JsonSerializer.Deserialize<string[]>(reader.GetString(2))!, reader.GetTime(3),
            reader.IsDBNull(4) ? null : reader.GetTime(4), reader.GetInt64(5));
    }

    /// <summary>The upsert's update runs only while the row is unconfirmed; a confirmed row makes it change nothing.</summary>
    public Task<bool> TryBeginAsync(string userId, string secret, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"""
            INSERT INTO two_factor ({Columns}) VALUES ($user, $secret, '[]', $now, NULL, 0)
            ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, backup_codes = '[]', created_at = excluded.created_at, last_used_step = 0
            WHERE confirmed_at IS NULL
            """,
            cancellationToken, ("$user", userId), ("$secret", secret), ("$now", now.ToMs()));

    public Task<bool> TryConfirmAsync(
        string userId, string secret, IReadOnlyList<string> backupCodeHashes, long step, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE two_factor SET confirmed_at = $now, backup_codes = $codes, last_used_step = $step
            WHERE user_id = $user AND confirmed_at IS NULL AND secret = $secret
            """,
            cancellationToken, ("$user", userId), ("$secret", secret), ("$codes", JsonSerializer.Serialize(backupCodeHashes)),
            ("$step", step), ("$now", now.ToMs()));

    public Task<bool> TryUseStepAsync(string userId, long step, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE two_factor SET last_used_step = $step WHERE user_id = $user AND confirmed_at IS NOT NULL AND last_used_step < $step",
            cancellationToken, ("$user", userId), ("$step", step));

    public Task<bool> TryUseBackupCodeAsync(string userId, string codeHash, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE two_factor SET backup_codes = (SELECT json_group_array(value) FROM json_each(two_factor.backup_codes) WHERE value <> $code)
            WHERE user_id = $user AND confirmed_at IS NOT NULL
              AND EXISTS (SELECT 1 FROM json_each(two_factor.backup_codes) WHERE value = $code)
            """,
            cancellationToken, ("$user", userId), ("$code", codeHash));

    public Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken) =>
        ExecuteAsync("DELETE FROM two_factor WHERE user_id = $user", cancellationToken, ("$user", userId));

    /// <summary>True when the statement changed exactly one row.</summary>
    private async Task<bool> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string, object?)[] parameters) =>
        await db.ExecuteAsync(sql, cancellationToken, parameters) == 1;
}
