using ChatHub.Accounts.Sessions;
using ChatHub.Chat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// The node's side of sharing replies: renews the leases of the replies it writes, ends replies of
/// nodes that died, and obeys stop and delete requests that reached another node. It also closes the
/// connections of users whose sessions ended on another node.
/// </summary>
public sealed class ReplyLeaseService(
    RedisReplyRegistry registry,
    ReplyCoordinator coordinator,
    UserConnections connections,
    IConnectionMultiplexer redis,
    RedisKeys keys,
    IOptions<ScaleOutOptions> options,
    ILogger<ReplyLeaseService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscribed = false;
        using var timer = new PeriodicTimer(options.Value.ReplyLease / 3);
        do
        {
            try
            {
                subscribed = subscribed || await SubscribeAsync();
                await registry.RenewAsync(coordinator.LocalRuns());
                foreach (var orphan in await registry.ClaimOrphansAsync())
                {
                    Log.OrphanClaimed(logger, orphan.Run.ReplyId);
                    await coordinator.FinishOrphanAsync(orphan);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Log.RedisFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> SubscribeAsync()
    {
        if (!redis.IsConnected) return false;
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(keys.StopChannel, (_, message) =>
        {
            if (((string?)message)?.Split('|') is [var replyId, var userId]) coordinator.StopLocal(replyId, userId);
        });
        await subscriber.SubscribeAsync(keys.DeletedChannel, (_, message) => coordinator.DeletedLocal(message!));
        await subscriber.SubscribeAsync(keys.SessionsEndedChannel, (channel, message) =>
        {
            if (SessionEnd.Parse(message) is { } end) _ = connections.EndLocalAsync(end);
        });
        return true;
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Redis failed; this node carries on alone until it returns")]
    public static partial void RedisFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Reply {ReplyId} lost its node; ending it here")]
    public static partial void OrphanClaimed(ILogger logger, string replyId);
}
