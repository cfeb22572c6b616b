using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ChatHub.Accounts.OAuth;

/// <summary>
/// The <c>link</c> parameter of a link URL: which user a provider account is to be linked to, encrypted and
/// signed, for 5 minutes. It also carries the user's token version, so a password or role change (which
/// ends the user's access tokens) ends links in progress too, and a nonce that must match a cookie set
/// on the browser that asked for the URL: a link URL sent to someone else links nothing (the classic
/// OAuth linking CSRF, where a victim would link their provider account to the attacker's account).
/// </summary>
public sealed class LinkStates(IDataProtectionProvider dataProtection, IUserStore users)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The cookie that ties a link URL to the browser that asked for it.</summary>
    public const string BrowserCookie = "chathub.oauth-link";

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("CharacterChat.OAuth.Link").ToTimeLimitedDataProtector();

    /// <summary>A state for the URL and the nonce for this browser's <see cref="BrowserCookie"/>.</summary>
    public (string State, string BrowserNonce) Create(User user, string provider)
    {
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var state = _protector.Protect(string.Join('|', user.Id, user.TokenVersion.ToString(CultureInfo.InvariantCulture), provider, nonce), Lifetime);
        return (state, nonce);
    }

    /// <summary>
    /// The user to link to; null when the state is forged, expired, for another provider, opened in
    /// another browser than the one that asked for it, or its user has changed since.
    /// </summary>
    public async Task<string?> ReadAsync(string state, string provider, string? browserNonce, CancellationToken cancellationToken)
    {
        string payload;
        try
        {
            payload = _protector.Unprotect(state);
        }
        catch (CryptographicException)
        {
            return null;
        }
        if (payload.Split('|') is not [var userId, var version, var forProvider, var nonce] || forProvider != provider
            || browserNonce is null || !CryptographicOperations.FixedTimeEquals(Convert.FromHexString(nonce), NonceBytes(browserNonce)))
        {
            return null;
        }
        var user = await users.FindByIdAsync(userId, cancellationToken);
        return user is not null && user.TokenVersion.ToString(CultureInfo.InvariantCulture) == version ? user.Id : null;
    }

    private static byte[] NonceBytes(string hex)
    {
        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
