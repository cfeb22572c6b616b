using System.Threading.Channels;
using ChatHub.Conversations;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

/// <summary>
/// Group commit for message appends. Appends that arrive while a commit is under way wait and go
/// together in the next transaction, so a burst of N appends costs one fsync instead of N (the
/// commit, not the insert, is what a busy store waits for). Each caller still returns only after the
/// commit that holds its message: durability is unchanged. Microsoft.Data.Sqlite does its I/O
/// synchronously, so the commits run on a thread of their own rather than on the thread pool, where
/// they would queue behind (and hold up) the hub's work under load.
/// </summary>
public sealed class SqliteAppendBatcher : IDisposable
{
    private const int MaxBatch = 64;

    /// <summary>
    /// The next position is the greatest plus one: MAX over the primary key's (conversation_id, position) reads the last
    /// entry of the conversation's range, one probe however long it is.
    /// </summary>
    internal const string InsertSql = $"""
        INSERT INTO messages (conversation_id, position, {SqliteConversationStore.MessageColumns})
        SELECT $conversation, COALESCE((SELECT MAX(position) FROM messages WHERE conversation_id = $conversation), -1) + 1,
               {SqliteConversationStore.MessageValues}
        WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $conversation AND ($user IS NULL OR user_id = $user))
          AND ($parent IS NULL OR EXISTS (SELECT 1 FROM messages WHERE conversation_id = $conversation AND id = $parent))
        ON CONFLICT DO NOTHING
        """;

    /// <summary>A user message that asks for a reply marks the conversation as awaiting it; a reply clears the mark.</summary>
    internal const string TouchSql =
        "UPDATE conversations SET updated_at = MAX(updated_at, $timestamp), leaf_id = $id, awaiting_reply_id = $awaiting WHERE id = $conversation";

    private readonly SqliteDatabase _db;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    public SqliteAppendBatcher(SqliteDatabase db)
    {
        _db = db;
        new Thread(WriteLoop) { IsBackground = true, Name = "SQLite appends" }.Start();
    }

    private sealed record Pending(string ConversationId, string? UserId, StoredMessage Message, TaskCompletionSource<bool> Done);

    /// <summary>
    /// The SQL twin of Mongo's guarded <c>$push</c>: one insert at the next position that does nothing
    /// when the conversation is missing (or, given a user, not theirs), the parent is not in it or the
    /// message is already there; with it, the conversation's leaf moves to the message.
    /// </summary>
    public Task<bool> AppendAsync(string conversationId, string? userId, StoredMessage message, CancellationToken cancellationToken)
    {
        var pending = new Pending(conversationId, userId, message, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(SqliteAppendBatcher));
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private void WriteLoop()
    {
        var batch = new List<Pending>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                var appended = Commit(batch);
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(appended[i]);
            }
            catch (Exception ex)
            {
                foreach (var pending in batch) pending.Done.TrySetException(ex);
            }
            batch.Clear();
        }
    }

    private bool[] Commit(List<Pending> batch)
    {
        using var turn = _db.WriterAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var connection = _db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var transaction = connection.BeginTransaction(deferred: false);
        // Two statements, prepared once for the whole batch.
        using var insert = connection.Command(InsertSql);
        using var touch = connection.Command(TouchSql);
        insert.Transaction = touch.Transaction = transaction;

        var appended = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (p, m) = (batch[i], batch[i].Message);
            SqliteConversationStore.BindMessage(insert, m).Bind(("$conversation", p.ConversationId), ("$user", p.UserId));
            appended[i] = insert.ExecuteNonQuery() == 1;
            if (!appended[i]) continue;
            touch.Bind(("$conversation", p.ConversationId), ("$timestamp", m.Timestamp.ToMs()), ("$id", m.Id),
                ("$awaiting", m.Sender == Contracts.MessageValues.SenderUser ? m.ReplyId : null));
            touch.ExecuteNonQuery();
        }
        transaction.Commit();
        return appended;
    }
}
