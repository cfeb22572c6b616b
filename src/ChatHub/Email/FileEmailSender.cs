using ChatHub.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatHub.Email;

/// <summary>
/// The default without SMTP: each mail becomes an .eml file in <c>&lt;DataDir&gt;/mail/</c>, which a developer
/// opens to follow a reset or deletion link. The log names the file, never the link: logs travel further than mail.
/// </summary>
public sealed partial class FileEmailSender(string directory, IOptions<EmailOptions> options, TimeProvider clock, ILogger<FileEmailSender> logger)
    : IEmailSender
{
    public const string DefaultFrom = "CharacterChat <no-reply@localhost>";

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{clock.GetUtcNow():yyyyMMdd-HHmmss-fff}-{Guid.NewGuid():N}.eml");
        // Written aside and moved in, so whoever watches the folder never opens half a mail.
        var partial = path + ".partial";
        // Mode 0600: a mail holds a live reset or sign-in link.
        await using (var file = new FileStream(partial, OwnerOnlyFiles.CreateNew()))
        {
            await message.ToMime(options.Value.From ?? DefaultFrom).WriteToAsync(file, cancellationToken);
        }
        File.Move(partial, path);
        LogWritten(logger, path);
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Mail written to {Path} (no SMTP server configured: set Email:Smtp:Host to send it)")]
    private static partial void LogWritten(ILogger logger, string path);
}
