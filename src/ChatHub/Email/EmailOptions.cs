using System.ComponentModel.DataAnnotations;

namespace ChatHub.Email;

public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The sender, as <c>name &lt;address&gt;</c> or an address. Required with SMTP.</summary>
    public string? From { get; set; }

    /// <summary>
    /// Where links in mails point, e.g. <c>https://chat.example.com</c>. Unset: mails carry the token alone.
    /// Never taken from the request's Host header, which whoever asks for a reset controls.
    /// </summary>
    public Uri? LinkBaseUrl { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>The wait before a failed mail is tried again; it doubles with each failure.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts after which a mail is given up (logged as an error and counted).</summary>
    [Range(1, 30)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// The lines of a mail that hand over a token: a link when <see cref="LinkBaseUrl"/> is set, and the token itself
    /// for clients of the API. The token goes after '#', which browsers send to no server and no Referer carries.
    /// </summary>
    public string TokenLines(string page, string token)
    {
        var link = LinkBaseUrl is null ? "" : $"Open this link:\n\n{new Uri(LinkBaseUrl, $"{page}#token={token}")}\n\nor use this token:\n\n";
        return $"{link}{token}";
    }
}

public sealed class SmtpOptions
{
    /// <summary>Unset: mails are written to <c>&lt;DataDir&gt;/mail/</c> instead of sent.</summary>
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    /// <summary>Unset: no authentication.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>True: STARTTLS is required. False: plain text, only for a relay on the same machine or network.</summary>
    public bool UseStartTls { get; set; } = true;
}
