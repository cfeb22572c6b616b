using ChatHub.Accounts.Sessions;
using ChatHub.Chat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// The node's side of sharing replies: renews the leases of the replies it writes (and of its users' connections), ends replies of
/// nodes that died, and obeys stop and delete requests that reached another node. It also closes the
/// connections of users whose sessions ended on another node.
/// </summary>
public sealed class ReplyLeaseService(
    RedisReplyRegistry registry,
    ILocalReplies replies,
    RedisConnectionCounts connectionCounts,
    UserConnections connections,
    RedisGuard guard,
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
            // Each call is bounded and gives up quietly (RedisGuard): the loop goes on whatever Redis does.
            subscribed = subscribed || await guard.TryAsync(SubscribeAsync);
            await registry.RenewAsync(replies.Running());
            await connectionCounts.RenewAsync();
            foreach (var orphan in await registry.ClaimOrphansAsync())
            {
                Log.OrphanClaimed(logger, orphan.Run.ReplyId);
                await replies.FinishOrphanAsync(orphan);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task SubscribeAsync()
    {
        var subscriber = guard.Redis.GetSubscriber();
        await subscriber.SubscribeAsync(keys.StopChannel, (_, message) =>
        {
            if (((string?)message)?.Split('|') is [var replyId, var userId]) replies.Stop(replyId, userId);
        });
        await subscriber.SubscribeAsync(keys.DeletedChannel, (_, message) => replies.EndForDeletedConversation(message!));
        await subscriber.SubscribeAsync(keys.SessionsEndedChannel, (channel, message) =>
        {
            if (SessionEnd.Parse(message) is { } end) _ = connections.EndLocalAsync(end);
        });
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Redis failed; this node carries on alone until it returns")]
    public static partial void RedisFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Reply {ReplyId} lost its node; ending it here")]
    public static partial void OrphanClaimed(ILogger logger, string replyId);
}
