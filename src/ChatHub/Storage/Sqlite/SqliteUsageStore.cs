using ChatHub.Usage;

namespace ChatHub.Storage.Sqlite;

/// <summary>The <c>usage</c> table: one row per user, day and model, added to with an UPSERT.</summary>
public sealed class SqliteUsageStore(SqliteDatabase db) : IUsageStore
{
    public async Task AddAsync(IReadOnlyList<UsageAmount> amounts, CancellationToken cancellationToken)
    {
        if (amounts.Count == 0) return;
        using var turn = await db.WriterAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var upsert = connection.Command(
            """
            INSERT INTO usage (user_id, day, model, prompt_tokens, completion_tokens, replies)
            VALUES ($user, $day, $model, $prompt, $completion, $replies)
            ON CONFLICT (user_id, day, model) DO UPDATE SET
                prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                completion_tokens = completion_tokens + excluded.completion_tokens,
                replies = replies + excluded.replies
            """);
        upsert.Transaction = transaction;
        foreach (var a in amounts)
        {
            upsert.Bind(("$user", a.UserId), ("$day", UsageDays.Format(a.Day)), ("$model", a.Model),
                ("$prompt", a.PromptTokens), ("$completion", a.CompletionTokens), ("$replies", a.Replies));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageAmount>> ReadAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT day, model, prompt_tokens, completion_tokens, replies FROM usage
            WHERE user_id = $user AND day >= $from AND day <= $to ORDER BY day, model
            """,
            ("$user", userId), ("$from", UsageDays.Format(from)), ("$to", UsageDays.Format(to)));
        var rows = new List<UsageAmount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UsageAmount(userId, UsageDays.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }
        return rows;
    }

    public async Task<IReadOnlyList<UserUsageTotal>> TopUsersAsync(DateOnly from, DateOnly to, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            """
            SELECT user_id, SUM(prompt_tokens), SUM(completion_tokens), SUM(replies) FROM usage
            WHERE day >= $from AND day <= $to
            GROUP BY user_id ORDER BY SUM(prompt_tokens) + SUM(completion_tokens) DESC, user_id LIMIT $limit
            """,
            ("$from", UsageDays.Format(from)), ("$to", UsageDays.Format(to)), ("$limit", limit));
        var users = new List<UserUsageTotal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new UserUsageTotal(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        return users;
    }

    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken) =>
        db.ExecuteAsync("DELETE FROM usage WHERE user_id = $user", cancellationToken, ("$user", userId));
}
