using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Storage;
using ChatHub.Storage.Mongo;
using ChatHub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;

namespace ChatHub.Tests.Faults;

/// <summary>The MongoDB store behind the fault proxy: a server that stops answering is an outage, a refused write is not.</summary>
public sealed class MongoFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStoreThatStopsAnsweringIsAnOutageAndADuplicateKeyIsNot()
    {
        var target = Environment.GetEnvironmentVariable("CHATHUB_TEST_MONGODB");
        Assert.SkipWhen(string.IsNullOrWhiteSpace(target), "CHATHUB_TEST_MONGODB is not set: the MongoDB fault test is skipped (no MongoDB server on this machine).");
        var server = new MongoUrl(target).Server;
        await using var proxy = FaultProxy.To(server.Port);
        var url = new MongoUrlBuilder(target)
        {
            Server = new MongoServerAddress("127.0.0.1", proxy.Port),
            DatabaseName = $"chathub_fault_{Guid.NewGuid():N}",
            DirectConnection = true,
            ServerSelectionTimeout = TimeSpan.FromSeconds(1),
            SocketTimeout = TimeSpan.FromSeconds(1),
            ConnectTimeout = TimeSpan.FromSeconds(1),
        }.ToString();
        await using var services = new ServiceCollection().AddMongoStorage(url).BuildServiceProvider();
        await services.GetRequiredService<IStoreLifecycle>().InitializeAsync(Ct);
        var store = services.GetRequiredService<IConversationStore>();
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), TimeProvider.System.UtcNowMs(), TimeProvider.System.UtcNowMs());
        await store.CreateAsync(conversation, [], Ct);

        var duplicate = await Assert.ThrowsAnyAsync<MongoException>(() => store.CreateAsync(conversation, [], Ct));
        proxy.Blackhole = true;
        var silent = await Assert.ThrowsAnyAsync<Exception>(() => store.GetAsync(conversation.Id, conversation.UserId, Ct));
        proxy.Blackhole = false;
        proxy.ResetAll();

        Assert.False(StoreErrors.IsUnavailable(duplicate));
        Assert.True(StoreErrors.IsUnavailable(silent), silent.GetType().FullName);
        Assert.Equal(conversation, await store.GetAsync(conversation.Id, conversation.UserId, Ct));
        await services.GetRequiredService<IMongoDatabase>().Client.DropDatabaseAsync(new MongoUrl(url).DatabaseName, Ct);
    }
}
