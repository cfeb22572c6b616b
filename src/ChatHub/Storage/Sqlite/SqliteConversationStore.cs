using ChatHub.Conversations;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

public sealed class SqliteConversationStore(SqliteDatabase db, SqliteAppendBatcher appends) : IConversationStore
{
    private const string ConversationColumns = "id, user_id, character_id, created_at, updated_at";
    internal const string MessageColumns = "id, sender, message, timestamp, client_message_id, reply_id, in_reply_to, status, error, usage";

    public async Task CreateAsync(Conversation c, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"INSERT INTO conversations ({ConversationColumns}) VALUES ($id, $user, $character, $created, $updated)",
            ("$id", c.Id), ("$user", c.UserId), ("$character", c.CharacterId), ("$created", c.CreatedAt.ToMs()), ("$updated", c.UpdatedAt.ToMs()));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<Conversation?> GetAsync(string id, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await GetAsync(connection, id, userId, cancellationToken);
    }

    public async Task<IReadOnlyList<Conversation>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {ConversationColumns} FROM conversations WHERE user_id = $user ORDER BY updated_at DESC, id DESC", ("$user", userId));
        return await ReadConversationsAsync(command, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string id, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "DELETE FROM conversations WHERE id = $id AND user_id = $user", ("$id", id), ("$user", userId));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken cancellationToken)
    {
        if (await appends.AppendAsync(conversationId, userId, message, cancellationToken)) return new AppendResult(message, true);
        var existing = await FindByClientMessageIdAsync(conversationId, userId, message.ClientMessageId!, cancellationToken);
        return existing is null ? null : new AppendResult(existing, false);
    }

    public Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken cancellationToken) =>
        appends.AppendAsync(conversationId, userId: null, reply, cancellationToken);

    public async Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT {MessageColumns} FROM messages
            WHERE conversation_id = $conversation AND client_message_id = $client
              AND EXISTS (SELECT 1 FROM conversations WHERE id = $conversation AND user_id = $user)
            """,
            ("$conversation", conversationId), ("$client", clientMessageId), ("$user", userId));
        return (await ReadMessagesAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await GetAsync(connection, conversationId, userId, cancellationToken) is null) return null;

        // An unknown "before" id matches no position, so the page is empty.
        var bound = beforeId is null
            ? ""
            : "AND position < (SELECT position FROM messages WHERE conversation_id = $conversation AND id = $before)";
        await using var command = connection.Command(
            $"SELECT {MessageColumns} FROM messages WHERE conversation_id = $conversation {bound} ORDER BY position DESC LIMIT $take",
            ("$conversation", conversationId), ("$before", beforeId), ("$take", limit + 1));
        var newestFirst = await ReadMessagesAsync(command, cancellationToken);
        var page = newestFirst.Take(limit).Reverse().ToList();
        return new MessageSlice(page, newestFirst.Count > limit);
    }

    public async Task<IReadOnlyList<UnansweredMessage>> ListUnansweredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        // One probe of the primary key per conversation for its last position.
        await using var command = connection.Command(
            $"""
            SELECT m.conversation_id, {string.Join(", ", MessageColumns.Split(", ").Select(c => "m." + c))}
            FROM (SELECT conversation_id, MAX(position) AS last FROM messages GROUP BY conversation_id) l
            JOIN messages m ON m.conversation_id = l.conversation_id AND m.position = l.last
            WHERE m.sender = 'user' AND m.reply_id IS NOT NULL
            """);
        var list = new List<UnansweredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(new UnansweredMessage(reader.GetString(0), ReadMessage(reader, 1)));
        return list;
    }

    private static async Task<Conversation?> GetAsync(SqliteConnection connection, string id, string userId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"SELECT {ConversationColumns} FROM conversations WHERE id = $id AND user_id = $user", ("$id", id), ("$user", userId));
        return (await ReadConversationsAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<Conversation>> ReadConversationsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Conversation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new Conversation(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3), reader.GetTime(4)));
        }
        return list;
    }

    private static async Task<List<StoredMessage>> ReadMessagesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<StoredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadMessage(reader, 0));
        return list;
    }

    private static StoredMessage ReadMessage(SqliteDataReader reader, int first) => new(
        reader.GetString(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetTime(first + 3),
        reader.GetNullableString(first + 4), reader.GetNullableString(first + 5), reader.GetNullableString(first + 6),
        reader.GetNullableString(first + 7), reader.GetNullableString(first + 8), SqliteUsageColumn.Read(reader.GetNullableString(first + 9)));
}
