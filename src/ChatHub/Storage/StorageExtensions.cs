using ChatHub.Storage.Mongo;
using ChatHub.Storage.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatHub.Storage;

public static class StorageExtensions
{
    /// <summary>MongoDB when <c>ConnectionStrings:MongoDB</c> is set, else the embedded SQLite file.</summary>
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        var mongo = builder.Configuration.GetConnectionString("MongoDB");
        if (!string.IsNullOrWhiteSpace(mongo))
        {
            builder.Services.AddMongoStorage(mongo);
        }
        else
        {
            var sqlite = builder.Configuration.GetConnectionString("Sqlite");
            if (string.IsNullOrWhiteSpace(sqlite))
            {
                var dataDir = builder.Configuration.DataDir();
                sqlite = $"Data Source={Path.Combine(dataDir, "chathub.db")}";
            }
            builder.Services.AddSqliteStorage(sqlite);
        }

        builder.Services.AddHostedService<StoreStartup>();
        builder.Services.AddExceptionHandler<StoreUnavailableHandler>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return builder;
    }

    /// <summary><c>DataDir</c>, made absolute and created.</summary>
    public static string DataDir(this IConfiguration configuration)
    {
        var dir = Path.GetFullPath(configuration["DataDir"] is { Length: > 0 } d ? d : "App_Data");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private sealed class StoreStartup(IStoreLifecycle store) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class StoreHealthCheck(IStoreLifecycle store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await store.PingAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy("The store is unreachable.", ex);
            }
        }
    }
}
