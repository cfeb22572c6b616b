using Microsoft.Extensions.Caching.Memory;

namespace ChatHub.Accounts.Lockout;

/// <summary>One node's counts. One lock for all keys: each step is a few field updates, far cheaper than the hash it guards.</summary>
public sealed class InMemoryAttemptCounter(IMemoryCache cache, TimeProvider clock) : IAttemptCounter
{
    private sealed class Window
    {
        public long Count;
        public DateTimeOffset Ends;
    }

    private readonly Lock _gate = new();

    public ValueTask<(long Count, TimeSpan Left)> AddAsync(string key, TimeSpan window)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (!cache.TryGetValue(Key(key), out Window? current) || current!.Ends <= now)
            {
                current = new Window { Ends = now + window };
                cache.Set(Key(key), current, window);
            }
            current.Count++;
            return ValueTask.FromResult((current.Count, current.Ends - now));
        }
    }

    public ValueTask RestartAsync(string key, TimeSpan window)
    {
        lock (_gate)
        {
            if (cache.TryGetValue(Key(key), out Window? current))
            {
                current!.Ends = clock.GetUtcNow() + window;
                cache.Set(Key(key), current, window);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask SubtractAsync(string key)
    {
        lock (_gate)
        {
            if (cache.TryGetValue(Key(key), out Window? current) && current!.Count > 0) current.Count--;
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask ClearAsync(string key)
    {
        lock (_gate) cache.Remove(Key(key));
        return ValueTask.CompletedTask;
    }

    private static (string, string) Key(string key) => ("attempts", key);
}
