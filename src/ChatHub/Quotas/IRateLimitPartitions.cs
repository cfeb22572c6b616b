using System.Threading.RateLimiting;

namespace ChatHub.Quotas;

/// <summary>
/// Where per-user rate limits keep their counts. <see cref="InMemoryRateLimitPartitions"/> counts on
/// this node alone; a Redis-backed implementation (RedisRateLimiting's token bucket takes the same
/// shape) makes a limit hold across nodes.
/// </summary>
public interface IRateLimitPartitions
{
    /// <summary>
    /// A token bucket for <paramref name="key"/>: <paramref name="permitsPerMinute"/> at once, then one more
    /// every minute / <paramref name="permitsPerMinute"/>. A refused lease carries <c>RetryAfter</c>.
    /// </summary>
    RateLimitPartition<string> PerMinute(string key, int permitsPerMinute);
}

public sealed class InMemoryRateLimitPartitions : IRateLimitPartitions
{
    public RateLimitPartition<string> PerMinute(string key, int permitsPerMinute) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permitsPerMinute,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) / permitsPerMinute,
            // Refuse at once with a time to retry; a queued hub call or request would only hold a connection.
            QueueLimit = 0,
        });
}
