using MimeKit;
using ChatHub.Storage;

namespace ChatHub.Email;

public static class EmailExtensions
{
    /// <summary>SMTP when <c>Email:Smtp:Host</c> is set, else mails written to files in the data dir.</summary>
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.Smtp.Host) || !string.IsNullOrWhiteSpace(o.From), "Email:From must be set when Email:Smtp:Host is.")
            .Validate(o => o.From is null || MailboxAddress.TryParse(o.From, out _), "Email:From must be an email address, optionally with a name: Name <address>.")
            .Validate(o => o.RetryBackoff >= TimeSpan.FromMilliseconds(10) && o.RetryBackoff <= TimeSpan.FromHours(1), "Email:RetryBackoff must be between 00:00:00.01 and 01:00:00.")
            .ValidateOnStart();

        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{EmailOptions.Section}:Smtp:Host"]))
        {
            builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }
        else
        {
            var directory = Path.Combine(builder.Configuration.DataDir(), "mail");
            builder.Services.AddSingleton<IEmailSender>(sp => ActivatorUtilities.CreateInstance<FileEmailSender>(sp, directory));
        }
        builder.Services.AddSingleton<EmailQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmailQueue>());
        return builder;
    }
}
