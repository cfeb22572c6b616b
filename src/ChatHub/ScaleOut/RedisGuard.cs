using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// Every call this node makes to Redis goes through here: each is bounded by <c>Redis:CommandTimeout</c>,
/// and every family of failure StackExchange.Redis throws is caught (connection and server errors are
/// <see cref="RedisException"/>s, but its timeout is a <see cref="TimeoutException"/>; a multiplexer being
/// disposed at shutdown throws <see cref="ObjectDisposedException"/>). After a failure the node stops
/// asking Redis for a third of <c>Redis:ReplyLease</c>, so a stalled Redis costs one timeout, not one per
/// delta; then the next call tries again. Meanwhile the node works alone.
/// </summary>
public sealed partial class RedisGuard(IConnectionMultiplexer redis, IOptions<ScaleOutOptions> options, TimeProvider clock, ILogger<RedisGuard> logger)
{
    private long _retryAt;
    private int _failing;

    /// <summary>Raised when a call succeeds after a failure: whatever was left undone meanwhile may be redone.</summary>
    public event Action? Restored;

    public IConnectionMultiplexer Redis => redis;

    /// <summary>Whether a call would reach Redis now; when false, callers do without it.</summary>
    public bool Usable => redis.IsConnected && clock.GetTimestamp() >= Volatile.Read(ref _retryAt);

    public static bool IsFailure(Exception exception) => exception is RedisException or TimeoutException or ObjectDisposedException;

    /// <summary>Runs the call, or gives the fallback when Redis is unusable or the call fails.</summary>
    public async Task<T> TryAsync<T>(Func<IDatabase, Task<T>> call, T fallback)
    {
        if (!Usable) return fallback;
        try
        {
            var result = await call(redis.GetDatabase()).WaitAsync(options.Value.CommandTimeout);
            Succeeded();
            return result;
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            Failed(ex);
            return fallback;
        }
    }

    /// <summary>Runs the call; false when Redis is unusable or the call failed.</summary>
    public Task<bool> TryAsync(Func<Task> call) => TryAsync(async _ =>
    {
        await call();
        return true;
    }, false);

    /// <summary>For calls made elsewhere (a library's): the node stops asking Redis for a while.</summary>
    public void Failed(Exception exception)
    {
        Volatile.Write(ref _retryAt, clock.GetTimestamp() + (long)(options.Value.ReplyLease.TotalSeconds / 3 * clock.TimestampFrequency));
        if (Interlocked.Exchange(ref _failing, 1) == 0) LogFailed(logger, exception);
    }

    private void Succeeded()
    {
        if (Volatile.Read(ref _failing) == 0 || Interlocked.Exchange(ref _failing, 0) == 0) return;
        LogRestored(logger);
        Restored?.Invoke();
    }

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Redis failed; this node carries on alone until it answers again")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Redis answers again; this node shares its replies once more")]
    private static partial void LogRestored(ILogger logger);
}
