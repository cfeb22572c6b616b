using System.Globalization;
using ChatHub.Usage;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// Every node adds each reply's tokens to the user's day and month counters in Redis as the reply ends, so a
/// budget check on any node sees them at once, before the nodes' batches reach the store. Counters expire
/// after their period; a Redis that lost them (or is unreachable) leaves the store's totals as the bound.
/// </summary>
public sealed class RedisUsageCounter(RedisGuard redis, RedisKeys keys) : IUsageCounter
{
    private static readonly TimeSpan DayLifetime = TimeSpan.FromDays(2);
    private static readonly TimeSpan MonthLifetime = TimeSpan.FromDays(32);

    public Task AddAsync(string userId, DateOnly day, long tokens) => redis.TryAsync(async () =>
    {
        var (dayKey, monthKey) = Keys(userId, day);
        var batch = redis.Redis.GetDatabase().CreateBatch();
        var writes = new Task[]
        {
            batch.StringIncrementAsync(dayKey, tokens),
            batch.KeyExpireAsync(dayKey, DayLifetime),
            batch.StringIncrementAsync(monthKey, tokens),
            batch.KeyExpireAsync(monthKey, MonthLifetime),
        };
        batch.Execute();
        await Task.WhenAll(writes);
    });

    public Task<(long Day, long Month)?> ReadAsync(string userId, DateOnly day) => redis.TryAsync<(long, long)?>(async db =>
    {
        var (dayKey, monthKey) = Keys(userId, day);
        var values = await db.StringGetAsync([dayKey, monthKey]);
        return (values[0].HasValue ? (long)values[0] : 0, values[1].HasValue ? (long)values[1] : 0);
    }, null);

    private (RedisKey Day, RedisKey Month) Keys(string userId, DateOnly day) =>
        (keys.Usage(userId, UsageDays.Format(day)), keys.Usage(userId, day.ToString("yyyy-MM", CultureInfo.InvariantCulture)));
}
