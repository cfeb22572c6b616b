using ChatHub.Accounts.Deletion;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.Google;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace ChatHub.Accounts.OAuth;

/// <summary>
/// Sign-in with Google and with OpenID Connect providers named in configuration. Each provider's handler
/// signs in to a short-lived cookie of its own (<see cref="ExternalScheme"/>) that only the <c>complete</c>
/// endpoint reads; the API itself stays on JWT bearer tokens.
/// </summary>
public static class OAuthExtensions
{
    /// <summary>Holds the provider's answer between its callback and <c>complete</c>; nothing else reads it.</summary>
    public const string ExternalScheme = "External";

    private static readonly string[] DefaultScopes = ["openid", "profile", "email"];

    public static WebApplicationBuilder AddOAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OAuthSettings>().BindConfiguration(OAuthSettings.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OAuthSettings>, OAuthSettingsValidator>();
        // Read now: authentication schemes are registered before the app is built.
        var settings = builder.Configuration.GetSection(OAuthSettings.Section).Get<OAuthSettings>() ?? new OAuthSettings();

        var providers = new List<OAuthProvider>();
        var authentication = builder.Services.AddAuthentication().AddCookie(ExternalScheme, options =>
        {
            options.Cookie.Name = "CharacterChat.External";
            options.Cookie.Path = "/api/auth/oauth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromMinutes(5);
            options.SlidingExpiration = false;
        });
        if (settings.Google.IsEnabled)
        {
            authentication.AddGoogle(OAuthProviders.Google, "Google", options => ConfigureGoogle(options, settings.Google));
            providers.Add(new OAuthProvider(OAuthProviders.Google, "Google", TrustEmail: false));
        }
        foreach (var (name, provider) in settings.Providers)
        {
            var displayName = string.IsNullOrWhiteSpace(provider.DisplayName) ? name : provider.DisplayName;
            authentication.AddOpenIdConnect(name, displayName, options => ConfigureOpenIdConnect(options, name, provider));
            providers.Add(new OAuthProvider(name, displayName, provider.TrustEmail));
        }

        builder.Services.AddSingleton(new OAuthProviders(providers));
        builder.Services.AddSingleton(new ReturnUrls(Hardening.CorsOrigins(builder.Configuration)));
        builder.Services.AddSingleton<ProviderTokenProtector>();
        builder.Services.AddSingleton<LinkStates>();
        builder.Services.AddSingleton<SignInCodes>();
        builder.Services.AddSingleton<OAuthService>();
        builder.Services.AddUserDataEraser("OAuth links", sp => sp.GetRequiredService<IOAuthAccountStore>().DeleteForUserAsync);
        return builder;
    }

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder app) => app.MapOAuthSignIn().MapOAuthLinks();

    private static void ConfigureGoogle(GoogleOptions options, GoogleSettings google)
    {
        options.ClientId = google.ClientId!;
        options.ClientSecret = google.ClientSecret!;
        options.UsePkce = true;
        // Google's userinfo speaks OpenID Connect; keep its claim names, as the OpenID Connect handlers do.
        options.ClaimActions.Clear();
        foreach (var claim in ExternalIdentity.ClaimNames) options.ClaimActions.MapJsonKey(claim, claim);
        ConfigureRemote(options);
    }

    private static void ConfigureOpenIdConnect(OpenIdConnectOptions options, string name, OidcProviderSettings provider)
    {
        options.Authority = provider.Authority;
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.RequireHttpsMetadata = provider.RequireHttpsMetadata;
        options.CallbackPath = $"/signin-{name}";
        options.ResponseType = OpenIdConnectResponseType.Code;
        // The code comes back on a plain redirect (a GET), so the nonce and correlation cookies can be
        // SameSite=Lax and work over http too; form_post would need SameSite=None, which needs https.
        // The code is single use and bound to this browser by PKCE, so a URL is a safe place for it.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        foreach (var scope in provider.Scopes is [] ? DefaultScopes : provider.Scopes.Prepend("openid").Distinct()) options.Scope.Add(scope);
        options.GetClaimsFromUserInfoEndpoint = true;
        // The token's own claim names (sub, email, email_verified), as ExternalIdentity reads them.
        options.MapInboundClaims = false;
        options.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        ConfigureRemote(options);
    }

    /// <summary>What every provider's handler shares: where it signs in, what it keeps, how a failure ends.</summary>
    private static void ConfigureRemote(RemoteAuthenticationOptions options)
    {
        options.SignInScheme = ExternalScheme;
        // The provider's tokens ride in the external cookie to `complete`, which stores them encrypted.
        options.SaveTokens = true;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Events.OnRemoteFailure = OAuthSignInEndpoints.ProviderFailedAsync;
    }
}
