using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;

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
            await first.Conversations.CreateAsync(conversation, Ct);
            await first.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct);
        }

        await using var reopened = (await StoreHost.SqliteAsync(directory)).ToStores();

        Assert.Equal(conversation with { UpdatedAt = message.Timestamp }, await reopened.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
        var slice = await reopened.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct);
        Assert.Equal([message], slice?.Messages);
    }
}
