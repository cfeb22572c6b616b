using ChatHub.Email;

namespace ChatHub.Accounts.TwoFactor;

/// <summary>Mails the owner whenever their second factor is turned on or off, so a change they did not make does not go unseen.</summary>
public sealed partial class TwoFactorNotices(EmailQueue mail, ILogger<TwoFactorNotices> logger)
{
    public void TurnedOn(User user) => Send(user, "Two-factor authentication is on", """
        Two-factor authentication was just turned on for your CharacterChat account: signing in now also takes a code
        from an authenticator app.

        If this was not you, someone has access to your account: reset your password now. A reset within a day of
        this change also turns two-factor authentication off again.
        """);

    public void TurnedOff(User user, string how) => Send(user, "Two-factor authentication is off", $"""
        Two-factor authentication was just turned off for your CharacterChat account ({how}): signing in takes only
        the password now.

        If this was not you, reset your password now and turn it on again.
        """);

    private void Send(User user, string subject, string body)
    {
        // A full queue must not undo the change; the log says which notice was not sent.
        if (!mail.TryEnqueue(new EmailMessage(user.Email, subject, body))) LogNotQueued(logger, user.Id, subject);
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "The mail queue is full: user {UserId} was not sent '{Subject}'")]
    private static partial void LogNotQueued(ILogger logger, string userId, string subject);
}
