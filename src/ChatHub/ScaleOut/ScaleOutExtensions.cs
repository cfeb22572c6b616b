using ChatHub.Accounts.Lockout;
using ChatHub.Accounts.Sessions;
using ChatHub.Chat;
using ChatHub.Chat.Connections;
using ChatHub.Chat.Delivery;
using ChatHub.Quotas;
using ChatHub.Usage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

public static class ScaleOutExtensions
{
    /// <summary>
    /// With <c>ConnectionStrings:Redis</c>: the SignalR backplane, replies in flight shared by every
    /// node, ended sessions closing connections on every node, and Data Protection keys in Redis. Without: one node, nothing to share.
    /// </summary>
    public static WebApplicationBuilder AddScaleOut(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString)) return builder;

        var services = builder.Services;
        services.AddOptions<ScaleOutOptions>().BindConfiguration(ScaleOutOptions.Section)
            .Validate(o => o.ChannelPrefix.Length > 0 && o.ReplyLease >= TimeSpan.FromSeconds(1), "Redis:ChannelPrefix must be set and Redis:ReplyLease at least 1 s.")
            .Validate(o => o.CommandTimeout >= TimeSpan.FromMilliseconds(50) && o.CommandTimeout <= o.ReplyLease, "Redis:CommandTimeout must be at least 50 ms and at most Redis:ReplyLease.")
            .ValidateOnStart();
        var prefix = builder.Configuration[$"{ScaleOutOptions.Section}:{nameof(ScaleOutOptions.ChannelPrefix)}"] is { Length: > 0 } p ? p : new ScaleOutOptions().ChannelPrefix;
        var keys = new RedisKeys(prefix);
        services.AddSingleton(keys);

        // One connection for everything. It starts even while Redis is down and reconnects by
        // itself; until then the node serves its own connections.
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 2000;
        // Every command is bounded: StackExchange.Redis' own timeout is the key's, and RedisGuard holds each call to it too.
        var commandTimeout = builder.Configuration.GetSection(ScaleOutOptions.Section).Get<ScaleOutOptions>()?.CommandTimeout ?? new ScaleOutOptions().CommandTimeout;
        configuration.AsyncTimeout = configuration.SyncTimeout = (int)Math.Max(1, commandTimeout.TotalMilliseconds);
        var multiplexer = ConnectionMultiplexer.Connect(configuration);
        services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        services.AddSingleton<RedisGuard>();

        services.AddSignalR().AddStackExchangeRedis(options =>
        {
            options.Configuration.ChannelPrefix = RedisChannel.Literal(prefix);
            options.ConnectionFactory = _ => Task.FromResult<IConnectionMultiplexer>(multiplexer);
        });
        services.AddQueuedDelivery(typeof(FailoverHubLifetimeManager<>));

        services.Replace(ServiceDescriptor.Singleton<ISessionsEndedRelay, RedisSessionsEndedRelay>());
        services.AddSingleton<RedisReplyRegistry>();
        services.Replace(ServiceDescriptor.Singleton<IReplyRegistry>(sp => sp.GetRequiredService<RedisReplyRegistry>()));
        services.AddHostedService<ReplyLeaseService>();
        services.AddSingleton<InMemoryRateLimitPartitions>();
        services.Replace(ServiceDescriptor.Singleton<IRateLimitPartitions, RedisRateLimitPartitions>());
        services.Replace(ServiceDescriptor.Singleton<IAttemptCounter, RedisAttemptCounter>());
        services.AddSingleton<RedisConnectionCounts>();
        services.Replace(ServiceDescriptor.Singleton<IConnectionCounts>(sp => sp.GetRequiredService<RedisConnectionCounts>()));
        services.Replace(ServiceDescriptor.Singleton<IUsageCounter, RedisUsageCounter>());

        if (string.IsNullOrEmpty(builder.Configuration["DataProtection:KeysPath"]))
        {
            services.AddDataProtection().PersistKeysToStackExchangeRedis(multiplexer, keys.DataProtectionKeys);
        }
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    private sealed class RedisHealthCheck(RedisGuard redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await redis.TryAsync(() => redis.Redis.GetDatabase().PingAsync())
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded("Redis is unreachable: this node serves only its own connections.");
    }
}
