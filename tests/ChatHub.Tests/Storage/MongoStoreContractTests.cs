using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Conversations;
using ChatHub.Storage;
using ChatHub.Storage.Mongo;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;

namespace ChatHub.Tests.Storage;

/// <summary>The store contract against the MongoDB server that CHATHUB_TEST_MONGODB names, in a fresh database per test.</summary>
public sealed class MongoStoreContractTests : StoreContractTests
{
    protected override async Task<Stores> OpenStoresAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable("CHATHUB_TEST_MONGODB");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("CHATHUB_TEST_MONGODB is not set: the MongoDB run of the store contract is skipped (no MongoDB server on this machine).");
        }

        var url = new MongoUrlBuilder(connectionString);
        if (url.Username is not null)
        {
            // The URL's database is also where credentials are checked unless authSource says otherwise.
            url.AuthenticationSource ??= url.DatabaseName ?? "admin";
        }
        url.DatabaseName = $"chathub_test_{Guid.NewGuid():N}";

        var services = new ServiceCollection().AddMongoStorage(url.ToString()).BuildServiceProvider();
        var lifecycle = services.GetRequiredService<IStoreLifecycle>();
        await lifecycle.InitializeAsync(Ct);
        return new Stores(
            services.GetRequiredService<IUserStore>(),
            services.GetRequiredService<ICharacterStore>(),
            services.GetRequiredService<IConversationStore>(),
            lifecycle,
            new DroppedDatabase(services));
    }

    private sealed class DroppedDatabase(ServiceProvider services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            var database = services.GetRequiredService<IMongoDatabase>();
            await database.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
            await services.DisposeAsync();
        }
    }
}
