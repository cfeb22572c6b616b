using ChatHub.Accounts.Sessions;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// Publishes sessions that ended; every node's <see cref="ReplyLeaseService"/> hears it, forgets what it cached about
/// them and closes their connections. While Redis is down the other nodes close them at their next call instead.
/// </summary>
public sealed class RedisSessionsEndedRelay(IConnectionMultiplexer redis, RedisKeys keys, ILogger<RedisSessionsEndedRelay> logger)
    : ISessionsEndedRelay
{
    public async ValueTask PublishAsync(SessionEnd end)
    {
        if (!redis.IsConnected) return;
        try
        {
            await redis.GetSubscriber().PublishAsync(keys.SessionsEndedChannel, end.ToMessage());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.RedisFailed(logger, ex);
        }
    }
}
