using ChatHub.Storage;
using ChatHub.Storage.Mongo;
using ChatHub.Storage.Sqlite;
using Microsoft.Data.Sqlite;
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
    private readonly Func<ServiceProvider, ValueTask> _deleteData;

    private StoreHost(ServiceProvider services, Func<ServiceProvider, ValueTask> deleteData)
    {
        _services = services;
        _deleteData = deleteData;
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public static Task<StoreHost> SqliteAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"chathub-test-{Guid.NewGuid():N}");
        var connectionString = $"Data Source={Path.Combine(directory, "chathub.db")}";
        return OpenAsync(new ServiceCollection().AddSqliteStorage(connectionString), _ =>
        {
            // Pooled connections keep the file open; closed, the directory can be deleted on every OS.
            SqliteConnection.ClearPool(new SqliteConnection(connectionString));
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: a leftover temp directory is not a test failure.
            }
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>A fresh database on the server CHATHUB_TEST_MONGODB names; the test is skipped when it is unset.</summary>
    public static Task<StoreHost> MongoAsync()
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

        return OpenAsync(new ServiceCollection().AddMongoStorage(url.ToString()), async services =>
        {
            var database = services.GetRequiredService<IMongoDatabase>();
            await database.Client.DropDatabaseAsync(database.DatabaseNamespace.DatabaseName);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _deleteData(_services);
        await _services.DisposeAsync();
    }

    private static async Task<StoreHost> OpenAsync(IServiceCollection services, Func<ServiceProvider, ValueTask> deleteData)
    {
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStoreLifecycle>().InitializeAsync(TestContext.Current.CancellationToken);
        return new StoreHost(provider, deleteData);
    }
}
