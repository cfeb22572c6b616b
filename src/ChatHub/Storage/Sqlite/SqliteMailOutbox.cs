using ChatHub.Email;

namespace ChatHub.Storage.Sqlite;

public sealed class SqliteMailOutbox(SqliteDatabase db) : IMailOutbox
{
    public async Task AddAsync(string id, string payload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await db.ExecuteAsync("INSERT INTO mail_outbox (id, payload, created_at, attempts, due_at) VALUES ($id, $payload, $now, 0, $now)", cancellationToken,
            ("$id", id), ("$payload", payload), ("$now", now.ToMs()));
    }

    public async Task<IReadOnlyList<OutboxMail>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset claimedUntil, int max, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        // Read and claim in one write transaction, so another process on the file cannot claim the same mails.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var due = connection.Command(
            "SELECT id, payload, attempts FROM mail_outbox WHERE due_at <= $now ORDER BY due_at LIMIT $max", ("$now", now.ToMs()), ("$max", max));
        due.Transaction = transaction;
        var mails = new List<OutboxMail>();
        await using (var reader = await due.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) mails.Add(new OutboxMail(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }
        await using var claim = connection.Command("UPDATE mail_outbox SET due_at = $until WHERE id = $id");
        claim.Transaction = transaction;
        foreach (var mail in mails)
        {
            await claim.Bind(("$until", claimedUntil.ToMs()), ("$id", mail.Id)).ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return mails;
    }

    public async Task RetryAtAsync(string id, int attempts, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await db.ExecuteAsync("UPDATE mail_outbox SET attempts = $attempts, due_at = $at WHERE id = $id", cancellationToken,
            ("$id", id), ("$attempts", attempts), ("$at", at.ToMs()));
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await db.ExecuteAsync("DELETE FROM mail_outbox WHERE id = $id", cancellationToken, ("$id", id));
    }
}
