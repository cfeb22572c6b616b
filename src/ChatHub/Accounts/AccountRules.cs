using System.Net.Mail;

namespace ChatHub.Accounts;

/// <summary>What an email, password and name must be; each check returns the problem to show, or null.</summary>
public static class AccountRules
{
    public const int MinPasswordChars = 8;
    public const int MaxPasswordChars = 256;
    public const int MaxNameChars = 100;
    public const int MaxPersonaChars = 2000;

    /// <summary>Trimmed and lower-cased; null when it is not an email address.</summary>
    public static string? NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim().ToLowerInvariant();
        return trimmed is { Length: > 0 and <= 254 } && MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed
            ? trimmed
            : null;
    }

    public static string? PasswordProblem(string? password) =>
        password is { Length: >= MinPasswordChars and <= MaxPasswordChars }
            ? null
            : $"The password must have {MinPasswordChars} to {MaxPasswordChars} characters.";

    /// <summary>The name given, trimmed; the email's local part when none is given.</summary>
    public static string NameOrEmailName(string? name, string email) => string.IsNullOrWhiteSpace(name) ? email.Split('@')[0] : name.Trim();

    public static string? NameProblem(string name) =>
        name.Length is > 0 and <= MaxNameChars ? null : $"The name must have 1 to {MaxNameChars} characters.";
}
