using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Storage;
using ChatHub.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatHub.Tests.Storage;

/// <summary>The store contract against a fresh SQLite file per test, in a directory of its own.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    protected override Task<Stores> OpenStoresAsync() => OpenAsync(NewDirectory(), deleteWhenDone: true);

    [Fact]
    public async Task HistorySurvivesReopeningTheFile()
    {
        var directory = NewDirectory();
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now);
        var message = new StoredMessage(Ids.New(), MessageValues.SenderUser, "Do you remember me?", Now, ClientMessageId: "c-1", ReplyId: Ids.New());
        await using (var first = await OpenAsync(directory, deleteWhenDone: false))
        {
            await first.Conversations.CreateAsync(conversation, Ct);
            await first.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct);
        }

        await using var reopened = await OpenAsync(directory, deleteWhenDone: true);

        Assert.Equal(conversation with { UpdatedAt = message.Timestamp }, await reopened.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
        var slice = await reopened.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct);
        Assert.Equal([message], slice?.Messages);
    }

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), $"chathub-store-{Guid.NewGuid():N}");

    private static async Task<Stores> OpenAsync(string directory, bool deleteWhenDone)
    {
        var services = new ServiceCollection()
            .AddSqliteStorage($"Data Source={Path.Combine(directory, "chathub.db")}")
            .BuildServiceProvider();
        var lifecycle = services.GetRequiredService<IStoreLifecycle>();
        await lifecycle.InitializeAsync(Ct);
        return new Stores(
            services.GetRequiredService<IUserStore>(),
            services.GetRequiredService<ICharacterStore>(),
            services.GetRequiredService<IConversationStore>(),
            lifecycle,
            new ClosedFile(services, deleteWhenDone ? directory : null));
    }

    /// <param name="directoryToDelete">Null keeps the file, for a test that opens it again.</param>
    private sealed class ClosedFile(ServiceProvider services, string? directoryToDelete) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await services.DisposeAsync();
            // Pooled connections keep the file open: closed, a reopen really reads the file, and a delete works on Windows too.
            SqliteConnection.ClearAllPools();
            if (directoryToDelete is null) return;

            try
            {
                Directory.Delete(directoryToDelete, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp directory is not a test failure.
            }
        }
    }
}
