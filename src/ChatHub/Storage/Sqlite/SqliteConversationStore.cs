using ChatHub.Conversations;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

/// <summary>
/// Conversations as rows and their messages as a child table. The tree is read with recursive queries over
/// <c>messages_by_id</c> (up, towards the root) and <c>messages_by_parent</c> (down, and to count alternatives),
/// so a branch costs one indexed probe per message on it, however big the conversation.
/// </summary>
public sealed class SqliteConversationStore(SqliteDatabase db, SqliteAppendBatcher appends) : IConversationStore
{
    private const string ConversationColumns = "id, user_id, character_id, created_at, updated_at, title, leaf_id, model_profile, memory";
    internal const string MessageColumns = "id, sender, message, timestamp, client_message_id, reply_id, in_reply_to, status, error, parent_id, edited, request_id, usage";
    internal const string MessageValues = "$id, $sender, $message, $timestamp, $client, $reply, $inReplyTo, $status, $error, $parent, $edited, $request, $usage";

    // A message's place among its alternatives: those with its parent, in the order they were written.
    private const string PlaceColumns = """
        (SELECT COUNT(*) FROM messages s WHERE s.conversation_id = m.conversation_id AND s.parent_id IS m.parent_id AND s.position < m.position),
        (SELECT COUNT(*) FROM messages s WHERE s.conversation_id = m.conversation_id AND s.parent_id IS m.parent_id)
        """;

    // Every message under $start (itself included), with its position.
    private const string Subtree = """
        WITH RECURSIVE down(id, position) AS (
            SELECT id, position FROM messages WHERE conversation_id = $conversation AND id = $start
            UNION ALL
            SELECT m.id, m.position FROM down JOIN messages m ON m.conversation_id = $conversation AND m.parent_id = down.id
        )
        """;

    // The latest leaf under $start: of the messages with no children there, the last written.
    private const string LatestLeaf = Subtree + """
        SELECT id FROM down
        WHERE NOT EXISTS (SELECT 1 FROM messages k WHERE k.conversation_id = $conversation AND k.parent_id = down.id)
        ORDER BY position DESC LIMIT 1
        """;

    private static readonly string[] MessageColumnNames = MessageColumns.Split(", ");
    private static readonly string[] ConversationColumnNames = ConversationColumns.Split(", ");

    // The statements of the per-message paths are fields, so SqliteQueryPlanTests can check the plan of exactly what runs.

    /// <summary>The page that ends at the active branch's leaf.</summary>
    internal static readonly string LatestPageSql = PathSql("(SELECT leaf_id FROM conversations WHERE id = $conversation)");

    /// <summary>The page that ends just before the message <c>$end</c>: an unknown one has no parent to start from, so the page is empty.</summary>
    internal static readonly string OlderPageSql = PathSql("(SELECT parent_id FROM messages WHERE conversation_id = $conversation AND id = $end)");

    /// <summary>The branch through the message <c>$end</c>: the prompt's history.</summary>
    internal static readonly string PathThroughSql = PathSql("$end");

    internal const string ConversationSql = $"SELECT {ConversationColumns} FROM conversations WHERE id = $id AND user_id = $user";

    internal static readonly string MessageSql = $"""
        SELECT {Prefixed("m")}, {PlaceColumns} FROM messages m
        WHERE m.conversation_id = $conversation AND m.id = $id
          AND EXISTS (SELECT 1 FROM conversations WHERE id = $conversation AND user_id = $user)
        """;

    internal static readonly string SiblingsSql = $"""
        SELECT {Prefixed("m")} FROM messages o JOIN messages m ON m.conversation_id = o.conversation_id AND m.parent_id IS o.parent_id
        WHERE o.conversation_id = $conversation AND o.id = $id
          AND EXISTS (SELECT 1 FROM conversations WHERE id = $conversation AND user_id = $user)
        ORDER BY m.position
        """;

    internal const string ByClientMessageIdSql = $"""
        SELECT {MessageColumns} FROM messages
        WHERE conversation_id = $conversation AND client_message_id = $client
          AND EXISTS (SELECT 1 FROM conversations WHERE id = $conversation AND user_id = $user)
        """;

    /// <summary>
    /// Every append sets or clears a conversation's awaiting_reply_id, so the message awaiting that reply is the last appended:
    /// one probe at the greatest position (the index's last entry), not a search through the conversation. CROSS JOIN keeps
    /// the partial index of the conversations awaiting a reply as the outer loop; without it the planner scans every message.
    /// </summary>
    internal static readonly string UnansweredSql = $"""
        SELECT c.id, {Prefixed("m")}
        FROM conversations c CROSS JOIN messages m
            ON m.conversation_id = c.id AND m.position = (SELECT MAX(l.position) FROM messages l WHERE l.conversation_id = c.id)
            AND m.reply_id = c.awaiting_reply_id AND m.sender = 'user'
        WHERE c.awaiting_reply_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.conversation_id = c.id AND r.id = c.awaiting_reply_id)
        """;

    /// <summary>An edit, or a continued reply's new text.</summary>
    internal const string ChangeSql = """
        UPDATE messages SET message = $text, edited = (edited OR $edited), status = COALESCE($status, status), request_id = COALESCE($request, request_id),
            usage = COALESCE($usage, usage)
        WHERE conversation_id = $conversation AND id = $id
          AND EXISTS (SELECT 1 FROM conversations WHERE id = $conversation AND user_id = $user)
        """;

    internal static readonly string ListSql = ListPageSql(search: false);

    internal static readonly string SearchSql = ListPageSql(search: true);

    public async Task CreateAsync(Conversation c, IReadOnlyList<StoredMessage> opening, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.Command(
            $"INSERT INTO conversations ({ConversationColumns}) VALUES ($id, $user, $character, $created, $updated, $title, $leaf, $profile, $memory)",
            ("$id", c.Id), ("$user", c.UserId), ("$character", c.CharacterId), ("$created", c.CreatedAt.ToMs()), ("$updated", c.UpdatedAt.ToMs()),
            ("$title", c.Title), ("$leaf", c.LeafId ?? (opening.Count > 0 ? opening[0].Id : null)), ("$profile", c.ModelProfile), ("$memory", SqliteMemoryColumn.Write(c.Memory)));
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await using var insert = connection.Command($"INSERT INTO messages (conversation_id, position, {MessageColumns}) VALUES ($conversation, $position, {MessageValues})");
        insert.Transaction = transaction;
        for (var i = 0; i < opening.Count; i++)
        {
            BindMessage(insert, opening[i]).Bind(("$conversation", c.Id), ("$position", i));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
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

    public async Task<ConversationListPage> ListPageAsync(ConversationListQuery query, CancellationToken cancellationToken)
    {
        var search = query.Words.Count > 0;
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(search ? SearchSql : ListSql,
            ("$user", query.UserId), ("$match", search ? SearchMatch(query) : null), ("$afterKey", query.After?.Key), ("$afterId", query.After?.Id),
            ("$limit", query.Limit + 1));
        var list = new List<ListedConversation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var matchAt = ConversationColumnNames.Length + MessageColumnNames.Length;
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ListedConversation(
                ReadConversation(reader),
                reader.IsDBNull(ConversationColumnNames.Length) ? null : ReadMessage(reader, ConversationColumnNames.Length),
                search ? new FoundText(reader.GetNullableString(matchAt), reader.GetString(matchAt + 1)) : null));
        }
        return ConversationListPage.Of(list, query.Limit);
    }

    /// <summary>
    /// A search reads conversation_search (kept by triggers, see SqliteDatabase): the rows of the user's that hold every
    /// word, and of each conversation the latest message among them (its title's row has no message, so comes last).
    /// </summary>
    private static string ListPageSql(bool search)
    {
        var found = search
            ? """
              (SELECT h.conversation, h.message_id, h.body,
                      ROW_NUMBER() OVER (PARTITION BY h.conversation ORDER BY m.position DESC NULLS LAST) AS latest
               FROM conversation_search h LEFT JOIN messages m ON m.conversation_id = h.conversation AND m.id = h.message_id
               WHERE conversation_search MATCH $match) f
              JOIN conversations c ON c.id = f.conversation AND f.latest = 1
              """
            : "conversations c";
        return $"""
            SELECT {Prefixed("c", ConversationColumnNames)}, {Prefixed("l", MessageColumnNames)}{(search ? ", f.message_id, f.body" : "")}
            FROM {found}
            LEFT JOIN messages l ON l.conversation_id = c.id AND l.id = c.leaf_id
            WHERE c.user_id = $user AND ($afterKey IS NULL OR c.updated_at < $afterKey OR (c.updated_at = $afterKey AND c.id < $afterId))
            ORDER BY c.updated_at DESC, c.id DESC
            LIMIT $limit
            """;
    }

    /// <summary>
    /// Every word as an FTS5 string ("" for a quote inside) in the body column, and the owner's id: nothing typed is read as query
    /// syntax, and only the user's rows are looked at.
    /// </summary>
    private static string SearchMatch(ConversationListQuery query) =>
        $"owner : {FtsString(query.UserId)} AND " + string.Join(" AND ", query.Words.Select(w => $"body : {FtsString(w)}"));

    private static string FtsString(string value) => $"\"{value.Replace("\"", "\"\"")}\"";

    public async Task<IReadOnlyList<StoredMessage>?> GetAllMessagesAsync(string conversationId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        if (await GetAsync(connection, conversationId, userId, cancellationToken, transaction) is null) return null;
        await using var command = connection.Command(
            $"SELECT {MessageColumns} FROM messages WHERE conversation_id = $conversation ORDER BY position", ("$conversation", conversationId));
        command.Transaction = transaction;
        return (await ReadMessagesAsync(command, cancellationToken)).ConvertAll(m => m.Message);
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
        await using var command = connection.Command(ByClientMessageIdSql,
            ("$conversation", conversationId), ("$client", clientMessageId), ("$user", userId));
        return (await ReadMessagesAsync(command, cancellationToken)).SingleOrDefault()?.Message;
    }

    public Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken cancellationToken) =>
        ReadPathAsync(conversationId, userId, limit, beforeId is null ? LatestPageSql : OlderPageSql, beforeId, cancellationToken);

    public Task<MessageSlice?> GetPathAsync(string conversationId, string userId, string throughId, int limit, CancellationToken cancellationToken) =>
        ReadPathAsync(conversationId, userId, limit, PathThroughSql, throughId, cancellationToken);

    public async Task<PlacedMessage?> GetMessageAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(MessageSql, ("$conversation", conversationId), ("$id", messageId), ("$user", userId));
        return (await ReadMessagesAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<StoredMessage>?> GetSiblingsAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(SiblingsSql, ("$conversation", conversationId), ("$id", messageId), ("$user", userId));
        var siblings = await ReadMessagesAsync(command, cancellationToken);
        return siblings.Count == 0 ? null : siblings.ConvertAll(s => s.Message);
    }

    public async Task<bool> ChangeMessageAsync(string conversationId, string userId, MessageChange change, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.Command(ChangeSql,
            ("$conversation", conversationId), ("$user", userId), ("$id", change.MessageId), ("$text", change.Text), ("$edited", change.Edited),
            ("$status", change.Status), ("$request", change.RequestId), ("$usage", SqliteUsageColumn.Write(change.Usage)));
        command.Transaction = transaction;
        var changed = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (changed) await TouchAsync(connection, transaction, conversationId, change.At, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    public async Task<string?> SelectBranchAsync(string conversationId, string userId, string messageId, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await GetAsync(connection, conversationId, userId, cancellationToken, transaction) is null) return null;
        var leaf = await LatestLeafAsync(connection, transaction, conversationId, messageId, cancellationToken);
        if (leaf is null) return null;
        await using var command = connection.Command("UPDATE conversations SET leaf_id = $leaf WHERE id = $conversation", ("$conversation", conversationId), ("$leaf", leaf));
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return leaf;
    }

    public async Task<DeleteOutcome?> DeleteMessageAsync(
        string conversationId, string userId, string messageId, IReadOnlyCollection<string> keep, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await GetAsync(connection, conversationId, userId, cancellationToken, transaction) is not { } conversation) return null;
        await using var find = connection.Command(
            Subtree + "SELECT down.id, m.parent_id FROM down JOIN messages m ON m.conversation_id = $conversation AND m.id = down.id ORDER BY down.position",
            ("$conversation", conversationId), ("$start", messageId));
        find.Transaction = transaction;
        var subtree = new List<string>();
        string? parentId = null;
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                subtree.Add(reader.GetString(0));
                if (subtree.Count == 1) parentId = reader.GetNullableString(1);
            }
        }
        if (subtree.Count == 0) return new DeleteOutcome([], conversation.LeafId);
        if (subtree.Any(keep.Contains)) return new DeleteOutcome([], conversation.LeafId, Refused: true);

        await using var delete = connection.Command(Subtree + "DELETE FROM messages WHERE conversation_id = $conversation AND id IN (SELECT id FROM down)",
            ("$conversation", conversationId), ("$start", messageId));
        delete.Transaction = transaction;
        await delete.ExecuteNonQueryAsync(cancellationToken);
        var leaf = conversation.LeafId;
        if (leaf is null || subtree.Contains(leaf))
        {
            // Under the parent, or, for a first message, the latest leaf of what is left.
            leaf = parentId is not null
                ? await LatestLeafAsync(connection, transaction, conversationId, parentId, cancellationToken)
                : await ScalarAsync(connection, transaction,
                    "SELECT id FROM messages m WHERE conversation_id = $conversation AND NOT EXISTS (SELECT 1 FROM messages k WHERE k.conversation_id = $conversation AND k.parent_id = m.id) ORDER BY position DESC LIMIT 1",
                    cancellationToken, ("$conversation", conversationId));
            await using var move = connection.Command("UPDATE conversations SET leaf_id = $leaf WHERE id = $conversation", ("$conversation", conversationId), ("$leaf", leaf));
            move.Transaction = transaction;
            await move.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new DeleteOutcome(subtree, leaf);
    }

    public async Task<bool> SetTitleAsync(string conversationId, string userId, string title, bool onlyIfUntitled, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        return await db.ExecuteAsync(
            "UPDATE conversations SET title = $title WHERE id = $conversation AND user_id = $user AND (NOT $untitled OR title IS NULL)",
            cancellationToken, ("$conversation", conversationId), ("$user", userId), ("$title", title), ("$untitled", onlyIfUntitled)) == 1;
    }

    public async Task<bool> SetModelProfileAsync(string conversationId, string userId, string? profile, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        return await db.ExecuteAsync("UPDATE conversations SET model_profile = $profile WHERE id = $conversation AND user_id = $user",
            cancellationToken, ("$conversation", conversationId), ("$user", userId), ("$profile", profile)) == 1;
    }

    public async Task<bool> SetMemoryAsync(string conversationId, string userId, ConversationMemory memory, CancellationToken cancellationToken)
    {
        using var turn = await db.WriterAsync(cancellationToken);
        return await db.ExecuteAsync("UPDATE conversations SET memory = $memory WHERE id = $conversation AND user_id = $user",
            cancellationToken, ("$conversation", conversationId), ("$user", userId), ("$memory", SqliteMemoryColumn.Write(memory))) == 1;
    }

    public async Task<IReadOnlyList<UnansweredMessage>> ListUnansweredAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(UnansweredSql);
        var list = new List<UnansweredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(new UnansweredMessage(reader.GetString(0), ReadMessage(reader, 1)));
        return list;
    }

    internal static SqliteCommand BindMessage(SqliteCommand command, StoredMessage m) => command.Bind(
        ("$id", m.Id), ("$sender", m.Sender), ("$message", m.Text), ("$timestamp", m.Timestamp.ToMs()), ("$client", m.ClientMessageId),
        ("$reply", m.ReplyId), ("$inReplyTo", m.InReplyTo), ("$status", m.Status), ("$error", m.Error), ("$parent", m.ParentId),
        ("$edited", m.Edited), ("$request", m.RequestId), ("$usage", SqliteUsageColumn.Write(m.Usage)));

    /// <summary>
    /// The path from the root to the message whose id <paramref name="end"/> selects, climbing at most <c>$limit</c> parents
    /// (each one indexed probe, however long the conversation): one more than asked for tells whether the branch goes on.
    /// CROSS JOIN keeps the climbed ids as the outer loop: left to itself, SQLite's planner walks every message of the
    /// conversation and looks each up among them (measured: the page took 80 times longer at 50,000 messages than at 10).
    /// </summary>
    private static string PathSql(string end) => $"""
        WITH RECURSIVE up(id, parent_id, depth) AS (
            SELECT id, parent_id, 0 FROM messages WHERE conversation_id = $conversation AND id = {end}
            UNION ALL
            SELECT m.id, m.parent_id, up.depth + 1 FROM up JOIN messages m ON m.conversation_id = $conversation AND m.id = up.parent_id
            WHERE up.depth < $limit
        )
        SELECT {Prefixed("m")}, {PlaceColumns} FROM up CROSS JOIN messages m ON m.conversation_id = $conversation AND m.id = up.id
        ORDER BY up.depth DESC
        """;

    /// <summary>A path read with <paramref name="sql"/> (<see cref="PathSql"/>), <c>$end</c> bound to <paramref name="end"/>.</summary>
    private async Task<MessageSlice?> ReadPathAsync(
        string conversationId, string userId, int limit, string sql, string? end, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var connection = await db.OpenAsync(cancellationToken);
        if (await GetAsync(connection, conversationId, userId, cancellationToken) is null) return null;
        await using var command = connection.Command(sql, ("$conversation", conversationId), ("$end", end), ("$limit", limit));
        var path = await ReadMessagesAsync(command, cancellationToken);
        var page = path.Count > limit ? path[1..] : path;
        return new MessageSlice(page.ConvertAll(p => p.Message), path.Count > limit, page.ConvertAll(p => p.Place));
    }

    private static async Task<string?> LatestLeafAsync(
        SqliteConnection connection, SqliteTransaction transaction, string conversationId, string messageId, CancellationToken cancellationToken) =>
        await ScalarAsync(connection, transaction, LatestLeaf, cancellationToken, ("$conversation", conversationId), ("$start", messageId));

    private static async Task<string?> ScalarAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, parameters);
        command.Transaction = transaction;
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task TouchAsync(SqliteConnection connection, SqliteTransaction transaction, string conversationId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var touch = connection.Command("UPDATE conversations SET updated_at = MAX(updated_at, $at) WHERE id = $conversation",
            ("$conversation", conversationId), ("$at", at.ToMs()));
        touch.Transaction = transaction;
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<Conversation?> GetAsync(
        SqliteConnection connection, string id, string userId, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.Command(ConversationSql, ("$id", id), ("$user", userId));
        command.Transaction = transaction;
        return (await ReadConversationsAsync(command, cancellationToken)).SingleOrDefault();
    }

    private static async Task<IReadOnlyList<Conversation>> ReadConversationsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Conversation>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) list.Add(ReadConversation(reader));
        return list;
    }

    private static Conversation ReadConversation(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3), reader.GetTime(4))
        {
            Title = reader.GetNullableString(5),
            LeafId = reader.GetNullableString(6),
            ModelProfile = reader.GetNullableString(7),
            Memory = SqliteMemoryColumn.Read(reader.GetNullableString(8)),
        };

    /// <summary>Messages, each with its place when the query selects one after the message's columns.</summary>
    private static async Task<List<PlacedMessage>> ReadMessagesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<PlacedMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var placed = reader.FieldCount > MessageColumnNames.Length;
        while (await reader.ReadAsync(cancellationToken))
        {
            var place = placed ? new SiblingPlace(reader.GetInt32(MessageColumnNames.Length), reader.GetInt32(MessageColumnNames.Length + 1)) : SiblingPlace.Only;
            list.Add(new PlacedMessage(ReadMessage(reader, 0), place));
        }
        return list;
    }

    private static string Prefixed(string alias) => Prefixed(alias, MessageColumnNames);

    private static string Prefixed(string alias, string[] columns) => string.Join(", ", columns.Select(c => $"{alias}.{c}"));

    private static StoredMessage ReadMessage(SqliteDataReader reader, int first) => new(
        reader.GetString(first), reader.GetString(first + 1), reader.GetString(first + 2), reader.GetTime(first + 3),
        reader.GetNullableString(first + 4), reader.GetNullableString(first + 5), reader.GetNullableString(first + 6),
        reader.GetNullableString(first + 7), reader.GetNullableString(first + 8), reader.GetNullableString(first + 9),
        reader.GetBoolean(first + 10), reader.GetNullableString(first + 11),
        SqliteUsageColumn.Read(reader.GetNullableString(first + 12)));
}
