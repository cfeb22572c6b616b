using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ChatHub.Accounts.OAuth;

/// <summary>
/// The <c>link</c> parameter of a link URL: which user a provider account is to be linked to, encrypted and
/// signed, for 5 minutes. It also carries the user's token version, so a password or role change (which
/// ends the user's access tokens) ends links in progress too.
/// </summary>
public sealed class LinkStates(IDataProtectionProvider dataProtection, IUserStore users)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("CharacterChat.OAuth.Link").ToTimeLimitedDataProtector();

    public string Create(User user, string provider) =>
        _protector.Protect(string.Join('|', user.Id, user.TokenVersion.ToString(CultureInfo.InvariantCulture), provider), Lifetime);

    /// <summary>The user to link to; null when the state is forged, expired, for another provider, or its user has changed since.</summary>
    public async Task<string?> ReadAsync(string state, string provider, CancellationToken cancellationToken)
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
        if (payload.Split('|') is not [var userId, var version, var forProvider] || forProvider != provider) return null;
        var user = await users.FindByIdAsync(userId, cancellationToken);
        return user is not null && user.TokenVersion.ToString(CultureInfo.InvariantCulture) == version ? user.Id : null;
    }
}
