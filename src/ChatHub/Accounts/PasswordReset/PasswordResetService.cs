using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Email;
using ChatHub.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.PasswordReset;

/// <summary>
/// Resetting a forgotten password through a link sent by mail. Whether the email has an account is decided
/// after the request is answered (in the mail queue), so the answer and its timing are the same either way.
/// </summary>
public sealed partial class PasswordResetService(
    IUserStore users,
    [FromKeyedServices(OneTimeTokenKind.PasswordReset)] IOneTimeTokenStore resets,
    [FromKeyedServices(OneTimeTokenKind.LoginChallenge)] IOneTimeTokenStore challenges,
    SessionService sessions,
    TwoFactorService twoFactor,
    TwoFactorNotices notices,
    EmailQueue mail,
    IOptions<AuthOptions> authOptions,
    IOptions<EmailOptions> emailOptions,
    TimeProvider clock,
    ILogger<PasswordResetService> logger)
{
    /// <summary>False when the mail queue is full.</summary>
    public bool Request(string email) => mail.TryEnqueue(ct => PrepareMailAsync(email, ct));

    /// <summary>
    /// Sets the new password if the token is a live reset token, using it up. Every session ends, and so do the
    /// account's other reset links and half-finished sign-ins. It does not sign in: that would skip a second factor.
    /// </summary>
    public async Task<bool> ConfirmAsync(string? token, string newPassword, CancellationToken cancellationToken)
    {
        if (OpaqueTokens.HashOf(token) is not { } hash) return false;
        var now = clock.UtcNowMs();
        if (await resets.TryUseAsync(hash, now, cancellationToken) is not { } reset) return false;
        // A link mailed to an address the account no longer has must not work.
        if (await users.FindByIdAsync(reset.UserId, cancellationToken) is not { } user || user.Email != reset.Email) return false;

        // The new password raises the token version in the same write, which ends every access token.
        if (await users.UpdateAsync(user.Id, new UserChanges(now, PasswordHash: PasswordHasher.Hash(newPassword)), cancellationToken) is null) return false;
        await sessions.EndAllAsync(user.Id, SessionEndReasons.PasswordChanged, cancellationToken);
        await resets.DeleteAllAsync(user.Id, cancellationToken);
        await challenges.DeleteAllAsync(user.Id, cancellationToken);
        await ClearRecentSecondFactorAsync(user, now, cancellationToken);
        LogReset(logger, user.Id);
        return true;
    }

    /// <summary>
    /// A second factor turned on within <see cref="AuthOptions.ResetClears2faHours"/> goes: whoever stole an access token
    /// may have put their own authenticator on the account, and the mailbox's owner recovers it this way. An older one
    /// stays, so a stolen mailbox alone does not remove a second factor the owner has had for long.
    /// </summary>
    private async Task ClearRecentSecondFactorAsync(User user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var enrollment = await twoFactor.FindAsync(user.Id, cancellationToken);
        if (enrollment?.ConfirmedAt is not { } on || on < now.AddHours(-authOptions.Value.ResetClears2faHours)) return;
        if (await twoFactor.DisableAsync(user.Id, cancellationToken)) notices.TurnedOff(user, $"by a password reset, as it was turned on less than {authOptions.Value.ResetClears2faHours} hours before");
    }

    /// <summary>Runs in the mail queue: null (no mail) for an unknown email or an account with enough live links.</summary>
    private async Task<EmailMessage?> PrepareMailAsync(string email, CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(email, cancellationToken) is not { } user) return null;
        var now = clock.UtcNowMs();
        if (await resets.CountLiveAsync(user.Id, now, cancellationToken) >= OneTimeToken.MaxLivePerUser)
        {
            LogTooMany(logger, user.Id);
            return null;
        }

        var secret = OpaqueTokens.New();
        var expires = now.AddMinutes(authOptions.Value.PasswordResetMinutes);
        await resets.CreateAsync(new OneTimeToken(Ids.New(), secret.Hash, user.Id, user.Email, now, expires), cancellationToken);
        return new EmailMessage(user.Email, "Reset your CharacterChat password", $"""
            Someone, hopefully you, asked to reset the password of your CharacterChat account.

            {emailOptions.Value.TokenLines("reset-password", secret.Value)}

            Send it to POST {Routes.PasswordResetConfirm} with your new password. It works once, until {expires:yyyy-MM-dd HH:mm} UTC.
            If you did not ask, ignore this mail: your password stays as it is.
            """);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "The password of user {UserId} was reset; every session ended")]
    private static partial void LogReset(ILogger logger, string userId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "User {UserId} has as many live reset links as allowed; no mail sent")]
    private static partial void LogTooMany(ILogger logger, string userId);
}
