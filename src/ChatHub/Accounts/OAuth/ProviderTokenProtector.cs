using Microsoft.AspNetCore.DataProtection;

namespace ChatHub.Accounts.OAuth;

/// <summary>
/// Encrypts a provider's tokens before they are stored: a copy of the database alone does not let anyone
/// call the provider as the user. The keys are the deployment's Data Protection keys, shared by its nodes.
/// </summary>
public sealed class ProviderTokenProtector(IDataProtectionProvider dataProtection)
{
    /// <summary>Changing it makes every stored token unreadable.</summary>
    public const string Purpose = "CharacterChat.OAuth.ProviderTokens";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public ProviderTokens Protect(ProviderTokens tokens) =>
        tokens with { AccessToken = Protect(tokens.AccessToken), RefreshToken = Protect(tokens.RefreshToken) };

    private string? Protect(string? token) => token is null ? null : _protector.Protect(token);
}
