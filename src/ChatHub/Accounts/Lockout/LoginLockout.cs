using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.Lockout;

/// <summary>
/// Locks an email out of password and code checks after repeated failures. Keyed by the email as typed
/// (normalized), whether or not an account has it, so a lockout tells nothing about which emails exist.
/// An attempt is counted before its (slow) check, in one atomic step, so however many guesses race, at most
/// <see cref="AuthOptions.LockoutFailures"/> of them are checked per window; the count is shared by every node
/// through Redis when it is configured.
/// </summary>
public sealed class LoginLockout(IAttemptCounter counter, IOptions<AuthOptions> options)
{
    private TimeSpan Window => TimeSpan.FromMinutes(options.Value.LockoutMinutes);

    public async ValueTask<LockoutAttempt> BeginAsync(string email)
    {
        var (count, left) = await counter.AddAsync(Key(email), Window);
        return new LockoutAttempt(this, email, count, count > options.Value.LockoutFailures ? left : null);
    }

    /// <summary>Every factor was right: the failures are forgotten (a sign-in, a password reset).</summary>
    public ValueTask ClearAsync(string email) => counter.ClearAsync(Key(email));

    /// <summary>The last allowed failure starts the lock: it lasts a whole window from now.</summary>
    internal ValueTask FailedAsync(string email, long count) =>
        count == options.Value.LockoutFailures ? counter.RestartAsync(Key(email), Window) : ValueTask.CompletedTask;

    internal ValueTask RefundAsync(string email) => counter.SubtractAsync(Key(email));

    private static string Key(string email) => $"lockout:{email}";
}
