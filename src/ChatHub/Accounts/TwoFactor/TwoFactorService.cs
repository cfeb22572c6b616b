using System.Security.Cryptography;
using System.Text;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using OtpNet;

namespace ChatHub.Accounts.TwoFactor;

/// <summary>
/// TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, what authenticator apps expect) with backup codes.
/// The secret is encrypted at rest with Data Protection; backup codes are kept as hashes.
/// </summary>
public sealed class TwoFactorService(ITwoFactorStore store, IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Issuer = "CharacterChat";
    public const int BackupCodeCount = 10;

    /// <summary>How long a set-up may wait for its confirming code.</summary>
    public static readonly TimeSpan SetUpLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Isolates these ciphertexts from anything else the key ring protects; ".v1" leaves room for a new format.</summary>
    public const string SecretPurpose = "ChatHub.Accounts.TwoFactor.Secret.v1";

    private const int SecretBytes = 20; // 160 bits, as RFC 4226 recommends for the HMAC-SHA1 key
    private const int BackupCodeBytes = 10; // 80 bits: 16 base32 characters

    private readonly IDataProtector _protector = protection.CreateProtector(SecretPurpose);

    public Task<TwoFactorEnrollment?> FindAsync(string userId, CancellationToken cancellationToken) => store.FindAsync(userId, cancellationToken);

    public async Task<bool> IsOnAsync(string userId, CancellationToken cancellationToken) =>
        (await store.FindAsync(userId, cancellationToken))?.IsOn == true;

    /// <summary>A new secret for the user to add to an authenticator; null when the second factor is already on.</summary>
    public async Task<(string Secret, string OtpauthUri)?> BeginAsync(User user, CancellationToken cancellationToken)
    {
        var key = KeyGeneration.GenerateRandomKey(SecretBytes);
        if (!await store.TryBeginAsync(user.Id, Convert.ToBase64String(_protector.Protect(key)), clock.UtcNowMs(), cancellationToken))
        {
            return null;
        }
        var secret = Base32Encoding.ToString(key);
        // '@' may stand unescaped in a URI path, and authenticator apps show the label as it is.
        var account = Uri.EscapeDataString(user.Email).Replace("%40", "@", StringComparison.Ordinal);
        return (secret, $"otpauth://totp/{Issuer}:{account}?secret={secret}&issuer={Issuer}");
    }

    /// <summary>
    /// Turns a pending enrolment on when <paramref name="code"/> is right for its secret, and returns the backup
    /// codes (shown once, stored as hashes). Null for a wrong code, or when the enrolment changed meanwhile.
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConfirmAsync(TwoFactorEnrollment pending, string? code, CancellationToken cancellationToken)
    {
        if (MatchingStep(pending, code) is not { } step) return null;
        var codes = Enumerable.Range(0, BackupCodeCount).Select(_ => NewBackupCode()).ToList();
        var confirmed = await store.TryConfirmAsync(
            pending.UserId, pending.Secret, codes.ConvertAll(HashBackupCode), step, clock.UtcNowMs(), cancellationToken);
        return confirmed ? codes : null;
    }

    /// <summary>
    /// True when <paramref name="code"/> is a current TOTP code or an unused backup code of a user whose second factor
    /// is on, and uses it up: a TOTP code's time step (and every step before it) is spent, a backup code is removed.
    /// </summary>
    public async Task<bool> VerifyAsync(string userId, string? code, CancellationToken cancellationToken)
    {
        var normalized = Normalize(code);
        if (normalized.Length == 0) return false;
        if (IsTotpShaped(normalized))
        {
            return await store.FindAsync(userId, cancellationToken) is { IsOn: true } enrollment
                && MatchingStep(enrollment, normalized) is { } step
                && await store.TryUseStepAsync(userId, step, cancellationToken);
        }
        return await store.TryUseBackupCodeAsync(userId, HashBackupCode(normalized), cancellationToken);
    }

    public Task<bool> DisableAsync(string userId, CancellationToken cancellationToken) => store.DeleteAsync(userId, cancellationToken);

    /// <summary>The time step the code belongs to, allowing one step either side for clock drift and typing time.</summary>
    private long? MatchingStep(TwoFactorEnrollment enrollment, string? code)
    {
        var normalized = Normalize(code);
        if (!IsTotpShaped(normalized)) return null;
        var totp = new Totp(_protector.Unprotect(Convert.FromBase64String(enrollment.Secret)));
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, normalized, out var step, VerificationWindow.RfcSpecifiedNetworkDelay)
            ? step
            : null;
    }

    /// <summary>Shown as XXXX-XXXX-XXXX-XXXX; typed with or without the dashes, in either case.</summary>
    private static string NewBackupCode() =>
        string.Join('-', Base32Encoding.ToString(RandomNumberGenerator.GetBytes(BackupCodeBytes)).Chunk(4).Select(c => new string(c)));

    /// <summary>
    /// A plain SHA-256 suffices: 80 random bits cannot be guessed even offline (2^80 hashes), so a slow,
    /// salted hash would add nothing, and an unsalted one lets a code be found by its hash in one step.
    /// </summary>
    private static string HashBackupCode(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Normalize(code))));

    private static string Normalize(string? code) =>
        string.Concat((code ?? "").Where(c => c is not ('-' or ' '))).ToUpperInvariant();

    private static bool IsTotpShaped(string code) => code.Length == 6 && code.All(char.IsAsciiDigit);
}
