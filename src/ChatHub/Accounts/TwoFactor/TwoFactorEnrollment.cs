namespace ChatHub.Accounts.TwoFactor;

/// <summary>
/// A user's TOTP second factor (the seed's <c>two_factor</c>). It is on once <paramref name="ConfirmedAt"/>
/// is set: that replaces the seed's <c>users.2fa_enabled</c>, so the flag and the secret cannot disagree.
/// </summary>
/// <param name="Secret">The TOTP key, encrypted with Data Protection: it must be read in the clear to check a code, so it cannot be hashed.</param>
/// <param name="BackupCodeHashes">SHA-256 (hex) of each backup code not yet used.</param>
/// <param name="LastUsedStep">The latest TOTP time step accepted; codes of that step or earlier are refused, so a code works once.</param>
public sealed record TwoFactorEnrollment(
    string UserId,
    string Secret,
    IReadOnlyList<string> BackupCodeHashes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ConfirmedAt = null,
    long LastUsedStep = 0)
{
    public bool IsOn => ConfirmedAt is not null;
}

/// <summary>Every write that uses up something (a time step, a backup code) is one conditional update, so of racing callers one wins.</summary>
public interface ITwoFactorStore
{
    Task<TwoFactorEnrollment?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Starts an enrolment, or starts it over with a new secret; false when the user's second factor
    /// is already on (turning it off comes first).
    /// </summary>
    Task<bool> TryBeginAsync(string userId, string secret, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Turns the second factor on with its backup codes, having accepted <paramref name="step"/>. Matches only an
    /// enrolment still off and still holding <paramref name="secret"/>, so a restart in between is not confirmed by
    /// a code for the old secret.
    /// </summary>
    Task<bool> TryConfirmAsync(
        string userId, string secret, IReadOnlyList<string> backupCodeHashes, long step, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Accepts a TOTP time step once: true only while the second factor is on and no later or equal step was accepted.</summary>
    Task<bool> TryUseStepAsync(string userId, long step, CancellationToken cancellationToken);

    /// <summary>Removes one backup code; true only for the one caller that removed it.</summary>
    Task<bool> TryUseBackupCodeAsync(string userId, string codeHash, CancellationToken cancellationToken);

    /// <summary>Turns the second factor off (or drops an unconfirmed enrolment); false when there was none.</summary>
    Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken);
}
