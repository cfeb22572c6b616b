using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ChatHub.Tests.Storage;

/// <summary>The store contract against a fresh SQLite file per test, in a directory of its own.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    protected override async Task<Stores> OpenStoresAsync() => (await StoreHost.SqliteAsync()).ToStores();

    [Fact]
    public async Task HistorySurvivesReopeningTheFile()
    {
        var directory = StoreHost.NewSqliteDirectory();
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now);
        var message = new StoredMessage(Ids.New(), MessageValues.SenderUser, "Do you remember me?", Now, ClientMessageId: "c-1", ReplyId: Ids.New());
        await using (var first = (await StoreHost.SqliteAsync(directory, keepFile: true)).ToStores())
        {
            await first.Conversations.CreateAsync(conversation, [], Ct);
            await first.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct);
        }

        await using var reopened = (await StoreHost.SqliteAsync(directory)).ToStores();

        Assert.Equal(conversation with { UpdatedAt = message.Timestamp, LeafId = message.Id }, await reopened.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
        var slice = await reopened.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct);
        Assert.Equal([message], slice?.Messages);
    }

    [Fact]
    public async Task AFileFromBeforeSearchHasItsMessagesAndTitlesFoundOnceReopened()
    {
        var directory = StoreHost.NewSqliteDirectory();
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now) { Title = "Old lighthouse" };
        var message = new StoredMessage(Ids.New(), MessageValues.SenderUser, "The keeper knows.", Now, ClientMessageId: "c-1", ReplyId: Ids.New());
        await using (var first = (await StoreHost.SqliteAsync(directory, keepFile: true)).ToStores())
        {
            await first.Conversations.CreateAsync(conversation, [], Ct);
            await first.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct);
        }
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "chathub.db")};Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            // As the file was before conversation search: no table, no triggers.
            command.CommandText = """
                DROP TABLE conversation_search;
                DROP TRIGGER conversation_search_message_added; DROP TRIGGER conversation_search_message_changed; DROP TRIGGER conversation_search_message_deleted;
                DROP TRIGGER conversation_search_titled; DROP TRIGGER conversation_search_retitled; DROP TRIGGER conversation_search_conversation_deleted;
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var reopened = (await StoreHost.SqliteAsync(directory)).ToStores();

        var byMessage = await reopened.Conversations.ListPageAsync(new ConversationListQuery(conversation.UserId, ["keeper"], null, 10), Ct);
        var byTitle = await reopened.Conversations.ListPageAsync(new ConversationListQuery(conversation.UserId, ["lighthouse"], null, 10), Ct);
        Assert.Equal(new FoundText(message.Id, message.Text), Assert.Single(byMessage.Conversations).Match);
        Assert.Equal(new FoundText(null, "Old lighthouse"), Assert.Single(byTitle.Conversations).Match);
        await reopened.Lifecycle.InitializeAsync(Ct);
        Assert.Single((await reopened.Conversations.ListPageAsync(new ConversationListQuery(conversation.UserId, ["keeper"], null, 10), Ct)).Conversations);
    }

    [Fact]
    public async Task AFileFromBeforeTreesReadsAsOneBranchAndGoesOnFromItsLastMessage()
    {
        var directory = StoreHost.NewSqliteDirectory();
        Directory.CreateDirectory(directory);
        var (conversationId, userId) = (Ids.New(), Ids.New());
        var (question, reply, waiting) = (Ids.New(), Ids.New(), Ids.New());
        var waitingReply = Ids.New();
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "chathub.db")};Pooling=false"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            // The tables as issue 12 left them, with a flat conversation whose last user message awaits its reply.
            command.CommandText = $"""
                CREATE TABLE conversations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, character_id TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                CREATE TABLE messages (conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE, position INTEGER NOT NULL, id TEXT NOT NULL,
                    sender TEXT NOT NULL, message TEXT NOT NULL, timestamp INTEGER NOT NULL, client_message_id TEXT, reply_id TEXT, in_reply_to TEXT,
                    status TEXT, error TEXT, PRIMARY KEY (conversation_id, position));
                INSERT INTO conversations VALUES ('{conversationId}', '{userId}', '{Ids.New()}', 1, 2);
                INSERT INTO messages VALUES ('{conversationId}', 0, '{question}', 'user', 'Hi', 1, 'c-1', '{reply}', NULL, NULL, NULL);
                INSERT INTO messages VALUES ('{conversationId}', 1, '{reply}', 'ai', 'Hello.', 2, NULL, NULL, '{question}', 'complete', NULL);
                INSERT INTO messages VALUES ('{conversationId}', 2, '{waiting}', 'user', 'Still there?', 2, 'c-2', '{waitingReply}', NULL, NULL, NULL);
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var stores = (await StoreHost.SqliteAsync(directory)).ToStores();

        var conversation = await stores.Conversations.GetAsync(conversationId, userId, Ct);
        Assert.Equal(waiting, conversation?.LeafId);
        var path = await stores.Conversations.GetMessagesAsync(conversationId, userId, 10, null, Ct);
        Assert.Equal([null, question, reply], path?.Messages.Select(m => m.ParentId));
        Assert.Equal([question, reply, waiting], path?.Messages.Select(m => m.Id));
        var unanswered = Assert.Single(await stores.Conversations.ListUnansweredAsync(Ct));
        Assert.Equal((conversationId, waiting), (unanswered.ConversationId, unanswered.Message.Id));
        var answer = new StoredMessage(waitingReply, MessageValues.SenderAi, "Yes.", Now, InReplyTo: waiting, Status: MessageValues.StatusComplete, ParentId: waiting);
        Assert.True(await stores.Conversations.AppendReplyAsync(conversationId, answer, Ct));
        Assert.Empty(await stores.Conversations.ListUnansweredAsync(Ct));
        Assert.Equal(4, (await stores.Conversations.GetMessagesAsync(conversationId, userId, 10, null, Ct))?.Messages.Count);
    }
}
