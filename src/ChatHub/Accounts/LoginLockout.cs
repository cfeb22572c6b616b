using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts;

/// <summary>
/// Locks an email out of password checks after repeated failures. Keyed by the email as typed
/// (normalized), whether or not an account has it, so a lockout tells nothing about which emails
/// exist. Counts live in this node's memory: with several nodes each counts alone (Redis later).
/// </summary>
public sealed class LoginLockout(IMemoryCache cache, IOptions<AuthOptions> options, TimeProvider clock)
{
    private sealed class Failures
    {
        public int Count;
    }

    /// <summary>How long the email stays locked; null when it may try now.</summary>
    public TimeSpan? LockedFor(string email)
    {
        if (!cache.TryGetValue(LockKey(email), out DateTimeOffset until)) return null;
        var left = until - clock.GetUtcNow();
        return left > TimeSpan.Zero ? left : null;
    }

    public void Failed(string email)
    {
        var window = TimeSpan.FromMinutes(options.Value.LockoutMinutes);
        // The window starts at the first failure and is not extended by later ones.
        var failures = cache.GetOrCreate(FailuresKey(email), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = window;
            return new Failures();
        })!;
        if (Interlocked.Increment(ref failures.Count) < options.Value.LockoutFailures) return;

        cache.Set(LockKey(email), clock.GetUtcNow() + window, window);
        cache.Remove(FailuresKey(email));
    }

    public void Succeeded(string email) => cache.Remove(FailuresKey(email));

    private static (string, string) FailuresKey(string email) => ("login-failures", email);

    private static (string, string) LockKey(string email) => ("login-lock", email);
}
