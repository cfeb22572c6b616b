using ChatHub.Accounts;
using ChatHub.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, so readers never wait for the writer and
/// several nodes on one machine may share it. Connections are pooled by Microsoft.Data.Sqlite.
/// </summary>
public sealed class SqliteDatabase(string connectionString) : IStoreLifecycle, IDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString)
    {
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Closes the pooled handles, so the file can be moved or deleted once the service is gone.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    // SQLite takes one writer at a time; the others would sleep in its busy handler on pool threads
    // (measured: under load a third of all thread time, see docs/benchmarks.md). Queueing them here
    // awaits instead. Other processes sharing the file still meet busy_timeout.
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>This process's turn to write on the hot paths; dispose it when the write is done.</summary>
    public async Task<IDisposable> WriterAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        return new Turn(_writer);
    }

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        public void Dispose() => writer.Release();
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Per connection: wait for a busy writer instead of failing, and enforce ON DELETE CASCADE.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs one statement on a connection of its own and returns how many rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(_connectionString);
        var path = builder.DataSource;
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir) Directory.CreateDirectory(dir);
        // SQLite gives its -wal and -shm files the database file's mode, so this one file decides all three.
        if (builder.Mode != SqliteOpenMode.Memory && path is not ("" or ":memory:")) OwnerOnlyFiles.EnsureExists(path);

        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema + string.Concat(Enum.GetValues<OneTimeTokenKind>().Select(OneTimeTokenSchema));
        await command.ExecuteNonQueryAsync(cancellationToken);
        await AddColumnIfMissingAsync(connection, "users", "token_version", "INTEGER NOT NULL DEFAULT 0", cancellationToken);
        await AddColumnIfMissingAsync(connection, "messages", "error", "TEXT", cancellationToken);
        await AddColumnIfMissingAsync(connection, "messages", "usage", "TEXT", cancellationToken);
        await AddColumnIfMissingAsync(connection, "refresh_tokens", "user_agent", "TEXT", cancellationToken);
        await AddColumnIfMissingAsync(connection, "refresh_tokens", "session_started_at", "INTEGER", cancellationToken);
        await AddColumnIfMissingAsync(connection, "users", "persona", "TEXT NOT NULL DEFAULT ''", cancellationToken);
        foreach (var (table, column, definition, backfill) in TreeColumnsAdded)
        {
            await AddColumnIfMissingAsync(connection, table, column, definition, cancellationToken, backfill);
        }
        // Issue 17: the model profile a conversation's user picked (null: its character's).
        await AddColumnIfMissingAsync(connection, "conversations", "model_profile", "TEXT", cancellationToken);
        // Issue 17: the rolling summary, a JSON object (SqliteMemoryColumn); NULL until one is written.
        await AddColumnIfMissingAsync(connection, "conversations", "memory", "TEXT", cancellationToken);
        foreach (var (column, definition) in CharacterColumnsAdded)
        {
            await AddColumnIfMissingAsync(connection, "characters", column, definition, cancellationToken);
        }
        await using var addedIndexes = connection.CreateCommand();
        addedIndexes.CommandText = AddedColumnsSchema;
        await addedIndexes.ExecuteNonQueryAsync(cancellationToken);
        await AddConversationSearchIfMissingAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Conversation search (issue 13): an FTS5 table with a row per message and per title, kept by triggers in the transaction of
    /// every write that changes one, so the append path stays one write. Rows are found by the owner, conversation and message
    /// ids they hold as tokens (a message's FTS row is deleted by a MATCH on them), never by rowid, which VACUUM may change.
    /// A file made before gets the table, its triggers and every stored message and title once, under the write lock.
    /// </summary>
    private static async Task AddConversationSearchIfMissingAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'conversation_search'";
        if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) == 0)
        {
            command.CommandText = ConversationSearchSchema;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    // The FTS5 string for an id column ('"' + id + '"', a quote doubled), matched in its column.
    private static string IdMatch(string column, string value) => $"'{column} : \"' || replace({value}, '\"', '\"\"') || '\"'";

    private static readonly string ConversationSearchSchema = $"""
        CREATE VIRTUAL TABLE conversation_search USING fts5 (owner, conversation, message_id, body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER conversation_search_message_added AFTER INSERT ON messages BEGIN
            INSERT INTO conversation_search (owner, conversation, message_id, body)
                SELECT user_id, new.conversation_id, new.id, new.message FROM conversations WHERE id = new.conversation_id;
        END;
        CREATE TRIGGER conversation_search_message_changed AFTER UPDATE OF message ON messages BEGIN
            DELETE FROM conversation_search WHERE conversation_search MATCH {IdMatch("conversation", "old.conversation_id")} || ' AND ' || {IdMatch("message_id", "old.id")};
            INSERT INTO conversation_search (owner, conversation, message_id, body)
                SELECT user_id, new.conversation_id, new.id, new.message FROM conversations WHERE id = new.conversation_id;
        END;
        CREATE TRIGGER conversation_search_message_deleted AFTER DELETE ON messages BEGIN
            DELETE FROM conversation_search WHERE conversation_search MATCH {IdMatch("conversation", "old.conversation_id")} || ' AND ' || {IdMatch("message_id", "old.id")};
        END;
        CREATE TRIGGER conversation_search_titled AFTER INSERT ON conversations WHEN new.title IS NOT NULL BEGIN
            INSERT INTO conversation_search (owner, conversation, message_id, body) VALUES (new.user_id, new.id, NULL, new.title);
        END;
        CREATE TRIGGER conversation_search_retitled AFTER UPDATE OF title ON conversations BEGIN
            DELETE FROM conversation_search WHERE conversation_search MATCH {IdMatch("conversation", "old.id")} AND message_id IS NULL;
            INSERT INTO conversation_search (owner, conversation, message_id, body) SELECT new.user_id, new.id, NULL, new.title WHERE new.title IS NOT NULL;
        END;
        CREATE TRIGGER conversation_search_conversation_deleted AFTER DELETE ON conversations BEGIN
            DELETE FROM conversation_search WHERE conversation_search MATCH {IdMatch("conversation", "old.id")};
        END;
        INSERT INTO conversation_search (owner, conversation, message_id, body)
            SELECT c.user_id, m.conversation_id, m.id, m.message FROM messages m JOIN conversations c ON c.id = m.conversation_id;
        INSERT INTO conversation_search (owner, conversation, message_id, body)
            SELECT user_id, id, NULL, title FROM conversations WHERE title IS NOT NULL;
        """;

    /// <summary>
    /// Columns conversations and messages got when conversations became trees (issue 13). Files made before
    /// hold flat lists: each message's parent is the one before it, the leaf is the last, and a conversation
    /// whose last message is a user message with a reply id awaits that reply. Each backfill runs in the
    /// transaction that adds its column, so it runs once.
    /// </summary>
    private static readonly (string Table, string Column, string Definition, string? Backfill)[] TreeColumnsAdded =
    [
        ("messages", "parent_id", "TEXT", """
            UPDATE messages SET parent_id =
                (SELECT p.id FROM messages p WHERE p.conversation_id = messages.conversation_id AND p.position = messages.position - 1)
            """),
        ("messages", "edited", "INTEGER NOT NULL DEFAULT 0", null),
        ("messages", "request_id", "TEXT", null),
        ("conversations", "title", "TEXT", null),
        ("conversations", "leaf_id", "TEXT", """
            UPDATE conversations SET leaf_id =
                (SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.position DESC LIMIT 1)
            """),
        ("conversations", "awaiting_reply_id", "TEXT", """
            UPDATE conversations SET awaiting_reply_id =
                (SELECT m.reply_id FROM messages m WHERE m.conversation_id = conversations.id AND m.sender = 'user'
                 AND m.position = (SELECT MAX(l.position) FROM messages l WHERE l.conversation_id = conversations.id))
            """),
    ];

    /// <summary>Columns characters got with user-made characters (issue 14); files made before get them with these defaults.</summary>
    private static readonly (string Column, string Definition)[] CharacterColumnsAdded =
    [
        ("owner_id", "TEXT"),
        ("visibility", "TEXT NOT NULL DEFAULT 'public'"),
        ("hidden", "INTEGER NOT NULL DEFAULT 0"),
        ("deleted_at", "INTEGER"),
        ("conversations_started", "INTEGER NOT NULL DEFAULT 0"),
        ("card", $"TEXT NOT NULL DEFAULT '{SqliteCharacterStore.EmptyCard}'"),
        ("avatar_etag", "TEXT"),
    ];

    /// <summary>
    /// What the message tree and the catalogue need, made once the columns exist. The search table is filled for characters
    /// stored before it existed; the stores keep it current from then on.
    /// </summary>
    private const string AddedColumnsSchema = """
        CREATE INDEX IF NOT EXISTS messages_by_parent ON messages (conversation_id, parent_id, position);
        CREATE INDEX IF NOT EXISTS conversations_awaiting ON conversations (awaiting_reply_id) WHERE awaiting_reply_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS characters_by_owner ON characters (owner_id, deleted_at);
        CREATE INDEX IF NOT EXISTS characters_newest ON characters (created_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS characters_popular ON characters (conversations_started DESC, id DESC);
        CREATE VIRTUAL TABLE IF NOT EXISTS character_search USING fts5 (id UNINDEXED, name, description, tags, tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO character_search (id, name, description, tags)
            SELECT c.id, c.name, c.description, COALESCE((SELECT group_concat(t.value, ' ') FROM json_each(c.card, '$.tags') t), '')
            FROM characters c WHERE c.id NOT IN (SELECT id FROM character_search);
        CREATE TABLE IF NOT EXISTS character_avatars (
            character_id TEXT PRIMARY KEY,
            png BLOB NOT NULL,
            etag TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS character_reports (
            id TEXT PRIMARY KEY,
            character_id TEXT NOT NULL,
            reporter_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        """;

    /// <summary>
    /// For files made by an earlier version: CREATE TABLE IF NOT EXISTS leaves their tables as they were.
    /// The write lock taken first makes the look-then-alter safe when several nodes start at once.
    /// </summary>
    private static async Task AddColumnIfMissingAsync(
        SqliteConnection connection, string table, string column, string definition, CancellationToken cancellationToken, string? backfill = null)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) == 0)
        {
            await using var alter = connection.CreateCommand();
            alter.Transaction = transaction;
            alter.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {definition}";
            await alter.ExecuteNonQueryAsync(cancellationToken);
            if (backfill is not null)
            {
                alter.CommandText = backfill;
                await alter.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    // Table and column names follow the seed's collections and fields. Times are Unix milliseconds.
    // A conversation's messages array becomes a child table ordered by position.
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS users (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            token_version INTEGER NOT NULL DEFAULT 0,
            persona TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE IF NOT EXISTS refresh_tokens (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            family_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used INTEGER NOT NULL DEFAULT 0,
            revoked INTEGER NOT NULL DEFAULT 0,
            user_agent TEXT,
            session_started_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS refresh_tokens_by_family ON refresh_tokens (family_id);
        CREATE INDEX IF NOT EXISTS refresh_tokens_by_user ON refresh_tokens (user_id, expires_at);
        CREATE TABLE IF NOT EXISTS oauth_accounts (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            provider TEXT NOT NULL,
            provider_user_id TEXT NOT NULL,
            email TEXT,
            access_token TEXT,
            refresh_token TEXT,
            access_token_expires_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (provider, provider_user_id),
            UNIQUE (user_id, provider)
        );
        CREATE TABLE IF NOT EXISTS oauth_login_codes (
            id TEXT PRIMARY KEY,
            code_hash TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS characters (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            personality TEXT NOT NULL,
            ai_settings TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS conversations (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL,
            character_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            title TEXT,
            leaf_id TEXT,
            awaiting_reply_id TEXT
        );
        CREATE INDEX IF NOT EXISTS conversations_by_user ON conversations (user_id, updated_at DESC);
        CREATE TABLE IF NOT EXISTS messages (
            conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            id TEXT NOT NULL,
            sender TEXT NOT NULL,
            message TEXT NOT NULL,
            timestamp INTEGER NOT NULL,
            client_message_id TEXT,
            reply_id TEXT,
            in_reply_to TEXT,
            status TEXT,
            error TEXT,
            parent_id TEXT,
            edited INTEGER NOT NULL DEFAULT 0,
            request_id TEXT,
            usage TEXT,
            PRIMARY KEY (conversation_id, position)
        );
        CREATE UNIQUE INDEX IF NOT EXISTS messages_by_id ON messages (conversation_id, id);
        CREATE UNIQUE INDEX IF NOT EXISTS messages_by_client_id ON messages (conversation_id, client_message_id);
        CREATE TABLE IF NOT EXISTS mail_outbox (
            id TEXT PRIMARY KEY,
            payload TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            due_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS mail_outbox_by_due ON mail_outbox (due_at);
        CREATE TABLE IF NOT EXISTS usage (
            user_id TEXT NOT NULL,
            day TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            replies INTEGER NOT NULL,
            PRIMARY KEY (user_id, day, model)
        );
        CREATE INDEX IF NOT EXISTS usage_by_day ON usage (day);
        CREATE TABLE IF NOT EXISTS two_factor (
            user_id TEXT PRIMARY KEY,
            secret TEXT NOT NULL,
            backup_codes TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            confirmed_at INTEGER,
            last_used_step INTEGER NOT NULL
        );
        """;

    /// <summary>
    /// password_resets, account_deletion_requests and login_challenges have one shape. The index on
    /// expires_at serves the sweep that stands in for Mongo's TTL index.
    /// </summary>
    private static string OneTimeTokenSchema(OneTimeTokenKind kind)
    {
        var table = SqliteOneTimeTokenStore.TableOf(kind);
        return $"""
            CREATE TABLE IF NOT EXISTS {table} (
                id TEXT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                user_id TEXT NOT NULL,
                {SqliteOneTimeTokenStore.EmailColumnOf(kind)} TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS {table}_by_user ON {table} (user_id, expires_at);
            CREATE INDEX IF NOT EXISTS {table}_by_expiry ON {table} (expires_at);

            """;
    }
}
