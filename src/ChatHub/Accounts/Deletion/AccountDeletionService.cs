using ChatHub.Accounts.Sessions;
using ChatHub.Contracts;
using ChatHub.Email;
using ChatHub.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.Deletion;

/// <summary>Deleting an account: a link by mail, then the user and everything of theirs goes.</summary>
public sealed partial class AccountDeletionService(
    IUserStore users,
    [FromKeyedServices(OneTimeTokenKind.AccountDeletion)] IOneTimeTokenStore requests,
    IEnumerable<UserDataEraser> erasers,
    UserConnections connections,
    EmailQueue mail,
    IOptions<AuthOptions> authOptions,
    IOptions<EmailOptions> emailOptions,
    TimeProvider clock,
    ILogger<AccountDeletionService> logger)
{
    public enum RequestOutcome
    {
        Sent,
        TooManyLinks,
        QueueFull,
    }

    /// <summary>Makes a deletion link and queues the mail; the caller has checked the password or code.</summary>
    public async Task<RequestOutcome> RequestAsync(User user, CancellationToken cancellationToken)
    {
        var now = clock.UtcNowMs();
        if (await requests.CountLiveAsync(user.Id, now, cancellationToken) >= OneTimeToken.MaxLivePerUser) return RequestOutcome.TooManyLinks;

        var secret = OpaqueTokens.New();
        var expires = now.AddMinutes(authOptions.Value.AccountDeletionMinutes);
        var message = new EmailMessage(user.Email, "Confirm the deletion of your CharacterChat account", $"""
            Someone signed in to your CharacterChat account asked to delete it, with everything in it: your conversations,
            your sessions, your two-factor settings. This cannot be undone.

            To delete it, confirm with this link or token:

            {emailOptions.Value.TokenLines("delete-account", secret.Value)}

            Send it to POST {Routes.DeleteAccountConfirm}. It works once, until {expires:yyyy-MM-dd HH:mm} UTC.
            If you did not ask, ignore this mail and change your password: your account stays as it is.
            """);
        // Stored only once the mail is queued, so a full queue leaves no link that no one was sent.
        if (!mail.TryEnqueue(message)) return RequestOutcome.QueueFull;
        await requests.CreateAsync(new OneTimeToken(Ids.New(), secret.Hash, user.Id, user.Email, now, expires), cancellationToken);
        return RequestOutcome.Sent;
    }

    /// <summary>Deletes the account the token names, using the token up; false for a token that is not a live deletion link.</summary>
    public async Task<bool> ConfirmAsync(string? token, CancellationToken cancellationToken)
    {
        if (OpaqueTokens.HashOf(token) is not { } hash) return false;
        if (await requests.TryUseAsync(hash, clock.UtcNowMs(), cancellationToken) is not { } request) return false;
        if (await users.FindByIdAsync(request.UserId, cancellationToken) is not { } user || user.Email != request.Email) return false;

        // The user goes first: from here on every token of theirs is refused, so nothing new of theirs is written
        // while the rest goes. Past this point the work must finish even if the caller hangs up.
        if (!await users.DeleteAsync(user.Id, cancellationToken)) return false;
        await connections.EndAsync(new SessionEnd(user.Id, null, SessionEndReasons.AccountDeleted));
        foreach (var eraser in erasers)
        {
            try
            {
                await eraser.EraseAsync(user.Id, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The account is gone and what is left cannot be reached; the log tells an operator what to remove.
                LogEraseFailed(logger, ex, eraser.What, user.Id);
            }
        }
        LogDeleted(logger, user.Id);
        return true;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Account {UserId} was deleted with everything of it")]
    private static partial void LogDeleted(ILogger logger, string userId);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Deleting the {What} of deleted account {UserId} failed; they remain in the store")]
    private static partial void LogEraseFailed(ILogger logger, Exception exception, string what, string userId);
}
