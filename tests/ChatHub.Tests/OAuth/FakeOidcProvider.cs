using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatHub.Tests.OAuth;

/// <summary>Who the fake provider signs in. <paramref name="Subject"/> is the provider's id for them.</summary>
public sealed record FakeUser(string Subject, string Email, bool EmailVerified = true, string Name = "Provider User")
{
    public static FakeUser New(string? email = null, bool emailVerified = true) =>
        new($"sub-{Guid.NewGuid():N}", email ?? $"oidc-{Guid.NewGuid():N}@provider.test", emailVerified);
}

/// <summary>
/// A small OpenID Connect provider on Kestrel (127.0.0.1, a free port), so tests drive the real ASP.NET
/// Core handler through discovery, authorize, token (PKCE checked, id_token signed with an RSA key published
/// at <c>/jwks</c>) and userinfo. <c>/authorize</c> approves at once, as <see cref="NextUser"/>; with no
/// next user it answers as a user who said no.
/// </summary>
public sealed class FakeOidcProvider : IAsyncDisposable
{
    public const string ClientId = "characterchat-test";
    public const string ClientSecret = "fake-client-secret";

    private readonly WebApplication app;
    private readonly RsaSecurityKey signingKey = new(RSA.Create(2048)) { KeyId = "fake-key-1" };
    private readonly ConcurrentDictionary<string, Grant> grants = new();
    private readonly ConcurrentDictionary<string, FakeUser> accessTokens = new();
    private readonly ConcurrentDictionary<string, (string AccessToken, string RefreshToken)> issued = new();

    private sealed record Grant(FakeUser User, string RedirectUri, string? Nonce, string CodeChallenge);

    private FakeOidcProvider(WebApplication app)
    {
        this.app = app;
        app.MapGet("/.well-known/openid-configuration", Discovery);
        app.MapGet("/jwks", Jwks);
        app.MapGet("/authorize", Authorize);
        app.MapPost("/token", TokenAsync);
        app.MapGet("/userinfo", UserInfo);
    }

    /// <summary>Whom the next <c>/authorize</c> signs in; null: the user refuses (<c>error=access_denied</c>).</summary>
    public FakeUser? NextUser { get; set; }

    /// <summary>The issuer, and the Authority to configure.</summary>
    public string Issuer => app.Urls.Single();

    /// <summary>The last access and refresh tokens issued for the subject.</summary>
    public (string AccessToken, string RefreshToken) TokensIssuedTo(string subject) => issued[subject];

    /// <summary>Configuration that registers this provider under <paramref name="name"/>.</summary>
    public IEnumerable<KeyValuePair<string, string>> Configuration(string name) =>
    [
        new($"OAuth:Providers:{name}:Authority", Issuer),
        new($"OAuth:Providers:{name}:ClientId", ClientId),
        new($"OAuth:Providers:{name}:ClientSecret", ClientSecret),
        new($"OAuth:Providers:{name}:RequireHttpsMetadata", "false"),
    ];

    public static async Task<FakeOidcProvider> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var provider = new FakeOidcProvider(builder.Build());
        await provider.app.StartAsync(cancellationToken);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    private IResult Discovery() => Results.Json(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = $"{Issuer}/authorize",
        ["token_endpoint"] = $"{Issuer}/token",
        ["userinfo_endpoint"] = $"{Issuer}/userinfo",
        ["jwks_uri"] = $"{Issuer}/jwks",
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha256 },
        ["code_challenge_methods_supported"] = new[] { "S256" },
        ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post" },
    });

    private IResult Jwks()
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(signingKey.Rsa.ExportParameters(false)) { KeyId = signingKey.KeyId });
        return Results.Json(new { keys = new[] { new { kty = jwk.Kty, use = "sig", alg = SecurityAlgorithms.RsaSha256, kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
    }

    private IResult Authorize(HttpRequest request)
    {
        var query = request.Query;
        var redirectUri = query["redirect_uri"].ToString();
        if (query["client_id"] != ClientId || query["response_type"] != "code" || query["code_challenge_method"] != "S256")
        {
            return Results.BadRequest("unexpected authorization request");
        }
        var answer = new Dictionary<string, string?> { ["state"] = query["state"] };
        if (NextUser is { } user)
        {
            var code = Guid.NewGuid().ToString("N");
            grants[code] = new Grant(user, redirectUri, query["nonce"], query["code_challenge"].ToString());
            answer["code"] = code;
        }
        else
        {
            answer["error"] = "access_denied";
        }
        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, answer));
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId || form["client_secret"] != ClientSecret
            || !grants.TryRemove(form["code"].ToString(), out var grant) || form["redirect_uri"] != grant.RedirectUri
            || Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))) != grant.CodeChallenge)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var (accessToken, refreshToken) = ($"fake-at-{Guid.NewGuid():N}", $"fake-rt-{Guid.NewGuid():N}");
        accessTokens[accessToken] = grant.User;
        issued[grant.User.Subject] = (accessToken, refreshToken);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = accessToken,
            ["refresh_token"] = refreshToken,
            ["token_type"] = "Bearer",
            ["expires_in"] = 3600,
            ["id_token"] = IdToken(grant, accessToken),
        });
    }

    private IResult UserInfo(HttpRequest request)
    {
        var bearer = request.Headers.Authorization.ToString();
        return bearer.StartsWith("Bearer ", StringComparison.Ordinal) && accessTokens.TryGetValue(bearer["Bearer ".Length..], out var user)
            ? Results.Json(Claims(user))
            : Results.Unauthorized();
    }

    private string IdToken(Grant grant, string accessToken)
    {
        var claims = Claims(grant.User);
        if (grant.Nonce is not null) claims["nonce"] = grant.Nonce;
        // at_hash: the left half of the access token's SHA-256, as OpenID Connect defines it for RS256.
        claims["at_hash"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))[..16]);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = ClientId,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = claims,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private static Dictionary<string, object> Claims(FakeUser user) => new()
    {
        ["sub"] = user.Subject,
        ["email"] = user.Email,
        ["email_verified"] = user.EmailVerified,
        ["name"] = user.Name,
    };
}
