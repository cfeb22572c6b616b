using ChatHub.Accounts.Lockout;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// Sign-in attempts counted in Redis, so every node sees every guess: one script per step, so each is atomic. While
/// Redis is unreachable each node counts alone rather than refusing everyone.
/// </summary>
public sealed class RedisAttemptCounter(IConnectionMultiplexer redis, RedisKeys keys, InMemoryAttemptCounter local) : IAttemptCounter
{
    // The window starts with the first attempt; a key that somehow lost its expiry gets one.
    private static readonly LuaScript Add = LuaScript.Prepare("""
        local n = redis.call('INCR', @key)
        local ttl = redis.call('PTTL', @key)
        if ttl < 0 then redis.call('PEXPIRE', @key, @window); ttl = tonumber(@window) end
        return {n, ttl}
        """);

    private static readonly LuaScript Subtract = LuaScript.Prepare("""
        local n = tonumber(redis.call('GET', @key))
        if n and n > 0 then return redis.call('DECR', @key) end
        return 0
        """);

    public async ValueTask<(long Count, TimeSpan Left)> AddAsync(string key, TimeSpan window)
    {
        if (!redis.IsConnected) return await local.AddAsync(key, window);
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Add, new { key = Key(key), window = (long)window.TotalMilliseconds }))!;
            return ((long)result[0], TimeSpan.FromMilliseconds((long)result[1]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return await local.AddAsync(key, window);
        }
    }

    public ValueTask RestartAsync(string key, TimeSpan window) =>
        Run(db => db.KeyExpireAsync(Key(key), window), () => local.RestartAsync(key, window));

    public ValueTask SubtractAsync(string key) =>
        Run(db => db.ScriptEvaluateAsync(Subtract, new { key = Key(key) }), () => local.SubtractAsync(key));

    public ValueTask ClearAsync(string key) =>
        Run(db => db.KeyDeleteAsync(Key(key)), () => local.ClearAsync(key));

    private async ValueTask Run(Func<IDatabase, Task> shared, Func<ValueTask> alone)
    {
        if (!redis.IsConnected)
        {
            await alone();
            return;
        }
        try
        {
            await shared(redis.GetDatabase());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await alone();
        }
    }

    private RedisKey Key(string key) => $"{keys.Prefix}:{key}";
}
