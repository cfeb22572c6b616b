using ChatHub.Accounts.Sessions;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// Publishes a user whose sessions ended; every node's <see cref="ReplyLeaseService"/> hears it and closes that
/// user's connections. While Redis is down the other nodes close them at their next call instead.
/// </summary>
public sealed class RedisSessionsEndedRelay(IConnectionMultiplexer redis, RedisKeys keys, ILogger<RedisSessionsEndedRelay> logger)
    : ISessionsEndedRelay
{
    public async ValueTask PublishAsync(string userId)
    {
        if (!redis.IsConnected) return;
        try
        {
            await redis.GetSubscriber().PublishAsync(keys.SessionsEndedChannel, userId);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.RedisFailed(logger, ex);
        }
    }
}
