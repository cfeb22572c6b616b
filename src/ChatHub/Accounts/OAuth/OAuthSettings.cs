using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.OAuth;

/// <summary>
/// <c>OAuth:Google</c> and <c>OAuth:Providers:{name}</c>. A provider is offered only when configured;
/// with none, the OAuth routes answer 404 and sign-in is by password alone.
/// </summary>
public sealed class OAuthSettings
{
    public const string Section = "OAuth";

    public GoogleSettings Google { get; set; } = new();

    /// <summary>OpenID Connect providers by name; the name is the one in the routes and in <c>/signin-{name}</c>.</summary>
    public Dictionary<string, OidcProviderSettings> Providers { get; set; } = [];
}

public sealed class GoogleSettings
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public bool IsEnabled => !string.IsNullOrEmpty(ClientId);
}

public sealed class OidcProviderSettings
{
    /// <summary>The issuer URL; its <c>/.well-known/openid-configuration</c> names the endpoints.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Unset for a public client (PKCE is used either way).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Empty: <c>openid profile email</c>. <c>openid</c> is always asked for.</summary>
    public string[] Scopes { get; set; } = [];

    /// <summary>What a sign-in page shows; the name when unset.</summary>
    public string? DisplayName { get; set; }

    /// <summary>
    /// Take the provider's <c>email</c> as verified even without <c>email_verified</c>: only for a provider
    /// that hands out no email it has not verified (a company's own directory, say). Off: an account is
    /// made only from an email the provider says it verified.
    /// </summary>
    public bool TrustEmail { get; set; }

    /// <summary>Off only for a provider on plain http in development or tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>Missing or malformed provider settings stop the start, naming the key.</summary>
public sealed partial class OAuthSettingsValidator : IValidateOptions<OAuthSettings>
{
    public ValidateOptionsResult Validate(string? name, OAuthSettings options)
    {
        var failures = new List<string>();
        if (options.Google.IsEnabled && string.IsNullOrEmpty(options.Google.ClientSecret))
        {
            failures.Add("OAuth:Google:ClientSecret is required when OAuth:Google:ClientId is set.");
        }
        foreach (var (provider, settings) in options.Providers)
        {
            var key = $"{OAuthSettings.Section}:Providers:{provider}";
            if (!ProviderName().IsMatch(provider) || provider == OAuthProviders.Google)
            {
                failures.Add($"{key}: a provider name is 1 to 32 lower-case letters, digits and dashes, and not 'google' (that one is OAuth:Google).");
            }
            if (!Uri.TryCreate(settings.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                failures.Add($"{key}:Authority must be the provider's absolute http(s) URL.");
            }
            if (string.IsNullOrEmpty(settings.ClientId)) failures.Add($"{key}:ClientId is required.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // It becomes a path segment and a scheme name, so nothing that needs escaping.
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex ProviderName();
}
