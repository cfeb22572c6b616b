using System.Text.RegularExpressions;
using MimeKit;

namespace ChatHub.Tests.Web;

/// <summary>The .eml files a server without SMTP writes to <c>&lt;DataDir&gt;/mail</c>, read as a person reads their mail.</summary>
public static partial class MailFolder
{
    /// <summary>Waits (bounded) for a mail to <paramref name="to"/> whose subject has <paramref name="subject"/>; returns the link in it.</summary>
    public static async Task<Uri> WaitForLinkAsync(string dataDir, string to, string subject)
    {
        var folder = Path.Combine(dataDir, "mail");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(BrowserFixture.Timeout);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        do
        {
            if (Find(folder, to, subject) is { } link) return link;
        }
        while (await tick.WaitForNextTickAsync(timeout.Token));
        throw new TimeoutException($"No mail to {to} about '{subject}' in {folder}.");
    }

    private static Uri? Find(string folder, string to, string subject)
    {
        if (!Directory.Exists(folder)) return null;
        foreach (var path in Directory.EnumerateFiles(folder, "*.eml"))
        {
            MimeMessage message;
            try
            {
                message = MimeMessage.Load(path);
            }
            catch (Exception ex) when (ex is IOException or FormatException)
            {
                continue; // still being written
            }
            if (message.To.Mailboxes.Any(m => m.Address == to) && (message.Subject ?? "").Contains(subject, StringComparison.Ordinal)
                && Link().Match(message.TextBody ?? "") is { Success: true } match)
            {
                return new Uri(match.Value);
            }
        }
        return null;
    }

    [GeneratedRegex(@"https?://\S+#token=[\w-]+")]
    private static partial Regex Link();
}
