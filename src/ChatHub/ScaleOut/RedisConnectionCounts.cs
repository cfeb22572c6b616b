using ChatHub.Chat.Connections;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// Each user's connections counted in Redis, so the cap holds over every node: a sorted set per user of connection
/// ids scored by when their lease runs out. Each node renews its own connections' leases (<see cref="ReplyLeaseService"/>),
/// so a node that dies without closing them frees their places after <c>Redis:ReplyLease</c>. While Redis is
/// unreachable each node counts its own connections alone rather than refusing everyone.
/// </summary>
public sealed class RedisConnectionCounts(RedisGuard redis, RedisKeys keys, InMemoryConnectionCounts local, IOptions<ScaleOutOptions> options) : IConnectionCounts
{
    // Redis' own clock scores the leases, so the nodes' clocks need not agree.
    private static readonly LuaScript Add = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', @key, '-inf', now)
        if redis.call('ZCARD', @key) >= tonumber(@max) then return 0 end
        redis.call('ZADD', @key, now + tonumber(@lease), @connection)
        redis.call('PEXPIRE', @key, @lease)
        return 1
        """);

    private static readonly LuaScript Renew = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        for connection in string.gmatch(@connections, '[^ ]+') do
            redis.call('ZADD', @key, now + tonumber(@lease), connection)
        end
        redis.call('PEXPIRE', @key, @lease)
        return 1
        """);

    private long LeaseMs => (long)options.Value.ReplyLease.TotalMilliseconds;

    public async ValueTask<bool> TryAddAsync(string userId, string connectionId, int max)
    {
        var shared = await redis.TryAsync<bool?>(async db =>
            (long)(await db.ScriptEvaluateAsync(Add, new { key = keys.UserConnections(userId), max, lease = LeaseMs, connection = connectionId }))! == 1, null);
        if (shared is null) return await local.TryAddAsync(userId, connectionId, max);
        // Counted here too, so this node can renew its lease.
        if (shared.Value) await local.TryAddAsync(userId, connectionId, int.MaxValue);
        return shared.Value;
    }

    public async ValueTask RemoveAsync(string userId, string connectionId)
    {
        await local.RemoveAsync(userId, connectionId);
        await redis.TryAsync(() => redis.Redis.GetDatabase().SortedSetRemoveAsync(keys.UserConnections(userId), connectionId));
    }

    /// <summary>Renews the leases of this node's connections; after Redis was away, this also counts them there again.</summary>
    public Task RenewAsync() => Task.WhenAll(local.ByUser().Select(user => redis.TryAsync(() =>
        redis.Redis.GetDatabase().ScriptEvaluateAsync(Renew, new { key = keys.UserConnections(user.UserId), connections = string.Join(' ', user.ConnectionIds), lease = LeaseMs }))));
}
