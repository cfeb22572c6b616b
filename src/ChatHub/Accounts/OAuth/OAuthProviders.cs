namespace ChatHub.Accounts.OAuth;

/// <param name="Name">The route name, which is also the authentication scheme's name.</param>
/// <param name="TrustEmail">See <see cref="OidcProviderSettings.TrustEmail"/>.</param>
public sealed record OAuthProvider(string Name, string DisplayName, bool TrustEmail);

/// <summary>The providers configured at start-up: the only names the OAuth routes accept.</summary>
public sealed class OAuthProviders(IReadOnlyList<OAuthProvider> providers)
{
    public const string Google = "google";

    public IReadOnlyList<OAuthProvider> All => providers;

    public OAuthProvider? Find(string name) => providers.FirstOrDefault(p => p.Name == name);
}
