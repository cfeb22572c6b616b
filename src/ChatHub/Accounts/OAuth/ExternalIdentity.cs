using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace ChatHub.Accounts.OAuth;

/// <summary>Who the provider says signed in, and the tokens it gave (in the clear: encrypt before storing).</summary>
public sealed record ExternalIdentity(string Provider, string Subject, string? Email, bool EmailVerified, string? Name, ProviderTokens Tokens)
{
    /// <summary>OpenID Connect claim names; every provider's handler is set to produce these.</summary>
    public static readonly string[] ClaimNames = ["sub", "email", "email_verified", "name"];

    /// <summary>Null when the provider gave no subject: without one, nothing can be linked.</summary>
    public static ExternalIdentity? From(string provider, ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        if (principal.FindFirstValue("sub") is not { Length: > 0 } subject) return null;
        // A JSON boolean arrives as "true" from an id_token and as "True" from Google's userinfo.
        var verified = bool.TryParse(principal.FindFirstValue("email_verified"), out var isVerified) && isVerified;
        DateTimeOffset? expiresAt = DateTimeOffset.TryParse(
            properties.GetTokenValue("expires_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires)
            ? DateTimeOffset.FromUnixTimeMilliseconds(expires.ToUnixTimeMilliseconds())
            : null;
        var tokens = new ProviderTokens(properties.GetTokenValue("access_token"), properties.GetTokenValue("refresh_token"), expiresAt);
        return new ExternalIdentity(provider, subject, principal.FindFirstValue("email"), verified, principal.FindFirstValue("name"), tokens);
    }

    /// <summary>The email an account may be made with: one the provider vouches for, normalized; else null.</summary>
    public string? VerifiedEmail(bool trustProvider) => EmailVerified || trustProvider ? AccountRules.NormalizeEmail(Email) : null;
}
