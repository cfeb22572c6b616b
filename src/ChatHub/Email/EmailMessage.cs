using MimeKit;

namespace ChatHub.Email;

/// <summary>A plain-text mail to one address.</summary>
public sealed record EmailMessage(string To, string Subject, string Body)
{
    public MimeMessage ToMime(string from)
    {
        var message = new MimeMessage { Subject = Subject, Body = new TextPart("plain") { Text = Body } };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(To));
        return message;
    }
}

public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
