namespace ChatHub.Contracts;

/// <summary>Sign-in with an OAuth / OpenID Connect provider, and the signed-in user's links to providers.</summary>
public static partial class Routes
{
    public const string OAuthProviders = "/api/auth/oauth/providers";
    public const string OAuthExchange = "/api/auth/oauth/exchange";
    public const string MyOAuth = "/api/me/oauth";

    /// <summary>
    /// Where a browser goes to sign in with <paramref name="provider"/>; it comes back to <paramref name="returnUrl"/>
    /// with <c>#oauth=&lt;code&gt;</c> (trade it at <see cref="OAuthExchange"/>) or <c>#oauth-error=&lt;reason&gt;</c>.
    /// </summary>
    public static string OAuthStart(string provider, string? returnUrl = null) =>
        WithQuery($"/api/auth/oauth/{Uri.EscapeDataString(provider)}/start", ("returnUrl", returnUrl));

    public static string OAuthComplete(string provider) => $"/api/auth/oauth/{Uri.EscapeDataString(provider)}/complete";

    public static string MyOAuthLink(string provider) => $"{MyOAuth}/{Uri.EscapeDataString(provider)}";

    public static string MyOAuthLinkStart(string provider, string? returnUrl = null) =>
        WithQuery($"{MyOAuthLink(provider)}/link-start", ("returnUrl", returnUrl));
}
