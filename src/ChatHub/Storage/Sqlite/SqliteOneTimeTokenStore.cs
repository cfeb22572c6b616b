using ChatHub.Accounts;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

/// <summary>One kind of one-time token, in its own table; the tables differ only in their name and that of the email column.</summary>
public sealed class SqliteOneTimeTokenStore(SqliteDatabase db, OneTimeTokenKind kind) : IOneTimeTokenStore
{
    private readonly string _table = TableOf(kind);
    private readonly string _columns = $"id, token_hash, user_id, {EmailColumnOf(kind)}, created_at, expires_at";

    public static string TableOf(OneTimeTokenKind kind) => kind switch
    {
        OneTimeTokenKind.PasswordReset => "password_resets",
        OneTimeTokenKind.AccountDeletion => "account_deletion_requests",
        OneTimeTokenKind.LoginChallenge => "login_challenges",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The seed calls it <c>user_email</c> in deletion requests and <c>email</c> in resets.</summary>
    public static string EmailColumnOf(OneTimeTokenKind kind) => kind == OneTimeTokenKind.AccountDeletion ? "user_email" : "email";

    public async Task CreateAsync(OneTimeToken token, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // SQLite has no TTL index: each new token clears the expired ones (the expires_at index finds them).
        await using var sweep = connection.Command($"DELETE FROM {_table} WHERE expires_at <= $now", ("$now", token.CreatedAt.ToMs()));
        sweep.Transaction = transaction;
        await sweep.ExecuteNonQueryAsync(cancellationToken);
        await using var insert = connection.Command(
            $"INSERT INTO {_table} ({_columns}) VALUES ($id, $hash, $user, $email, $created, $expires)",
            ("$id", token.Id), ("$hash", token.TokenHash), ("$user", token.UserId), ("$email", token.Email),
            ("$created", token.CreatedAt.ToMs()), ("$expires", token.ExpiresAt.ToMs()));
        insert.Transaction = transaction;
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<OneTimeToken?> FindAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadOneAsync($"SELECT {_columns} FROM {_table} WHERE token_hash = $hash AND expires_at > $now", tokenHash, now, cancellationToken);

    /// <summary>DELETE … RETURNING is one statement: of two callers, only the one whose delete found the row gets it.</summary>
    public Task<OneTimeToken?> TryUseAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadOneAsync($"DELETE FROM {_table} WHERE token_hash = $hash AND expires_at > $now RETURNING {_columns}", tokenHash, now, cancellationToken);

    public async Task<int> CountLiveAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT COUNT(*) FROM {_table} WHERE user_id = $user AND expires_at > $now", ("$user", userId), ("$now", now.ToMs()));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    public Task DeleteAllAsync(string userId, CancellationToken cancellationToken) =>
        db.ExecuteAsync($"DELETE FROM {_table} WHERE user_id = $user", cancellationToken, ("$user", userId));

    private async Task<OneTimeToken?> ReadOneAsync(string sql, string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(sql, ("$hash", tokenHash), ("$now", now.ToMs()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new OneTimeToken(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetTime(4), reader.GetTime(5));
    }
}
