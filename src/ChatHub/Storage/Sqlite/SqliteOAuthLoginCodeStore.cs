using ChatHub.Accounts.OAuth;

namespace ChatHub.Storage.Sqlite;

public sealed class SqliteOAuthLoginCodeStore(SqliteDatabase db) : IOAuthLoginCodeStore
{
    public async Task CreateAsync(OAuthLoginCode code, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // SQLite has no TTL index: each new code clears the expired ones (a minute's worth at most).
        await using var sweep = connection.Command("DELETE FROM oauth_login_codes WHERE expires_at <= $now", ("$now", code.CreatedAt.ToMs()));
        sweep.Transaction = transaction;
        await sweep.ExecuteNonQueryAsync(cancellationToken);
        await using var insert = connection.Command(
            "INSERT INTO oauth_login_codes (id, code_hash, user_id, created_at, expires_at) VALUES ($id, $hash, $user, $created, $expires)",
            ("$id", code.Id), ("$hash", code.CodeHash), ("$user", code.UserId), ("$created", code.CreatedAt.ToMs()), ("$expires", code.ExpiresAt.ToMs()));
        insert.Transaction = transaction;
        await insert.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>One DELETE … RETURNING: the row goes with the read, so a code can be taken once.</summary>
    public async Task<string?> TryTakeAsync(string codeHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "DELETE FROM oauth_login_codes WHERE code_hash = $hash AND expires_at > $now RETURNING user_id",
            ("$hash", codeHash), ("$now", now.ToMs()));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
