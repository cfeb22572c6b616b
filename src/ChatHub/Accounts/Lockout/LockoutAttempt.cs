namespace ChatHub.Accounts.Lockout;

/// <summary>
/// One guess, counted before it is checked: <see cref="LockedFor"/> says whether it may be checked at all. Once
/// checked, a wrong one is <see cref="FailedAsync"/>; a right one is <see cref="RefundAsync"/> (or the lockout is
/// cleared, for a finished sign-in). An attempt left as it is counts as wrong.
/// </summary>
public sealed class LockoutAttempt(LoginLockout lockout, string email, long count, TimeSpan? lockedFor)
{
    /// <summary>How long the email stays locked; null when this attempt may be checked.</summary>
    public TimeSpan? LockedFor { get; } = lockedFor;

    public ValueTask FailedAsync() => lockout.FailedAsync(email, count);

    public ValueTask RefundAsync() => lockout.RefundAsync(email);
}
