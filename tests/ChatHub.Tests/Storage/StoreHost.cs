using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Chat;
using ChatHub.Conversations;
using ChatHub.Storage;
using ChatHub.Storage.Mongo;
using ChatHub.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;

namespace ChatHub.Tests.Storage;

/// <summary>
/// One store adapter, wired as the service wires it, over data of its own: a fresh SQLite file or a
/// fresh MongoDB database. Disposing it deletes that data.
/// </summary>
public sealed class StoreHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Func<ServiceProvider, ValueTask> _dispose;

    private StoreHost(ServiceProvider services, Func<ServiceProvider, ValueTask> dispose)
    {
        _services = services;
        _dispose = dispose;
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public T GetKeyed<T>(object key) where T : notnull => _services.GetRequiredKeyedService<T>(key);

    /// <summary>The stores of the main contract, owned by this host.</summary>
    public Stores ToStores() => new(Get<IUserStore>(), Get<ICharacterStore>(), Get<IConversationStore>(), Get<IStoreLifecycle>(), this);

    public static string NewSqliteDirectory() => Path.Combine(Path.GetTempPath(), $"chathub-store-{Guid.NewGuid():N}");

    /// <param name="directory">Where the file is: a new directory when null.</param>
    /// <param name="keepFile">Leave the file when done, for a test that opens it again.</param>
    public static Task<StoreHost> SqliteAsync(string? directory = null, bool keepFile = false)
    {
        directory ??= NewSqliteDirectory();
        var services = new ServiceCollection().AddSqliteStorage($"Data Source={Path.Combine(directory, "chathub.db")}");
        return OpenAsync(services, async provider =>
        {
            // Disposing closes the pooled handles, so a reopen really reads the file and the delete works on every OS.
            await provider.DisposeAsync();
            if (keepFile) return;
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp directory is not a test failure.
            }
        });
    }

    /// <summary>A fresh database on the server CHATHUB_TEST_MONGODB names; the test is skipped when it is unset.</summary>
    /// <param name="liveMessages">
    /// <c>Chat:LiveMessages</c>: small by default, so that every contract test with more than a few messages also runs through buckets.
    /// </param>
    /// <param name="client">Changes the client's settings, e.g. to watch the commands it sends.</param>
    public static Task<StoreHost> MongoAsync(int liveMessages = 10, Action<MongoClientSettings>? client = null)
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

        var services = new ServiceCollection().AddMongoStorage(url.ToString()).Configure<ChatSettings>(chat => chat.LiveMessages = liveMessages);
        if (client is not null)
        {
            var settings = MongoClientSettings.FromUrl(url.ToMongoUrl());
            client(settings);
            services.AddSingleton<IMongoClient>(new MongoClient(settings));
        }
        return OpenAsync(services, async provider =>
        {
            var database = provider.GetRequiredService<IMongoDatabase>();
            await database.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
            await provider.DisposeAsync();
        });
    }

    public ValueTask DisposeAsync() => _dispose(_services);

    private static async Task<StoreHost> OpenAsync(IServiceCollection services, Func<ServiceProvider, ValueTask> dispose)
    {
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreLifecycle>().InitializeAsync(TestContext.Current.CancellationToken);
        return new StoreHost(provider, dispose);
    }
}
