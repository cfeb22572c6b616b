using System.Threading.RateLimiting;
using ChatHub.Quotas;
using RedisRateLimiting;

namespace ChatHub.ScaleOut;

/// <summary>
/// Rate limits every node counts together: RedisRateLimiting's token bucket, keyed under the
/// deployment's prefix. While Redis is unreachable each node counts alone rather than refusing everyone.
/// </summary>
public sealed class RedisRateLimitPartitions(RedisGuard guard, RedisKeys keys, InMemoryRateLimitPartitions local) : IRateLimitPartitions
{
    public RateLimitPartition<string> PerMinute(string key, int permitsPerMinute) =>
        RateLimitPartition.Get(key, k => new FailoverRateLimiter(
            guard,
            new RedisTokenBucketRateLimiter<string>($"{keys.Prefix}:ratelimit:{k}", new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => guard.Redis,
                TokenLimit = permitsPerMinute,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1) / permitsPerMinute,
            }),
            local.PerMinute(k, permitsPerMinute).Factory(k)));

    private sealed class FailoverRateLimiter(RedisGuard guard, RateLimiter shared, RateLimiter alone) : RateLimiter
    {
        public override TimeSpan? IdleDuration => alone.IdleDuration;

        public override RateLimiterStatistics? GetStatistics() => alone.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            if (!guard.Usable) return alone.AttemptAcquire(permitCount);
            try
            {
                return shared.AttemptAcquire(permitCount);
            }
            catch (Exception ex) when (RedisGuard.IsFailure(ex))
            {
                guard.Failed(ex);
                return alone.AttemptAcquire(permitCount);
            }
        }

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            if (!guard.Usable) return await alone.AcquireAsync(permitCount, cancellationToken);
            try
            {
                return await shared.AcquireAsync(permitCount, cancellationToken);
            }
            catch (Exception ex) when (RedisGuard.IsFailure(ex))
            {
                guard.Failed(ex);
                return await alone.AcquireAsync(permitCount, cancellationToken);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                shared.Dispose();
                alone.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
