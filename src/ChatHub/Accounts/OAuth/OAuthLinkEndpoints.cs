using System.Security.Claims;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatHub.Accounts.OAuth;

/// <summary>The signed-in user's links to provider accounts: <c>/api/me/oauth</c>.</summary>
public static class OAuthLinkEndpoints
{
    public static IEndpointRouteBuilder MapOAuthLinks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.MyOAuth).WithTags("OAuth");
        group.MapGet("", ListAsync);
        group.MapPost("/{provider}/link-start", StartLinkAsync);
        group.MapDelete("/{provider}", UnlinkAsync);
        return app;
    }

    private static async Task<Ok<OAuthLinkDto[]>> ListAsync(ClaimsPrincipal principal, IOAuthAccountStore accounts, CancellationToken ct)
    {
        var links = await accounts.ListAsync(principal.UserId(), ct);
        return TypedResults.Ok(links.Select(l => new OAuthLinkDto { Provider = l.Provider, Email = l.Email, LinkedAt = l.CreatedAt }).ToArray());
    }

    /// <summary>
    /// A URL for the browser: a page cannot send its bearer token along a chain of redirects, so the URL
    /// itself names the user, in a state only this service can make and read, for 5 minutes.
    /// </summary>
    private static async Task<Results<Ok<OAuthLinkStartResponse>, ProblemHttpResult>> StartLinkAsync(
        string provider, string? returnUrl, ClaimsPrincipal principal, HttpRequest request, OAuthProviders providers, ReturnUrls returnUrls,
        LinkStates links, IUserStore users, IOAuthAccountStore accounts, CancellationToken ct)
    {
        if (providers.Find(provider) is not { } found) return OAuthSignInEndpoints.UnknownProvider(provider);
        returnUrl ??= ReturnUrls.Default;
        if (!returnUrls.IsAllowed(returnUrl)) return OAuthSignInEndpoints.BadReturnUrl();
        if (await users.FindByIdAsync(principal.UserId(), ct) is not { } user) return MeEndpoints.NoAccount();
        if ((await accounts.ListAsync(user.Id, ct)).Any(link => link.Provider == provider))
        {
            return Problems.Conflict($"Your account is already linked to a {found.DisplayName} account. Unlink it first.");
        }

        var (state, nonce) = links.Create(user, provider);
        request.HttpContext.Response.Cookies.Append(LinkStates.BrowserCookie, nonce, new CookieOptions
        {
            HttpOnly = true,
            Secure = request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/api/auth/oauth",
            MaxAge = LinkStates.Lifetime,
        });
        var path = QueryHelpers.AddQueryString(Routes.OAuthStart(provider, returnUrl), "link", state);
        return TypedResults.Ok(new OAuthLinkStartResponse { Url = $"{request.Scheme}://{request.Host}{request.PathBase}{path}" });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnlinkAsync(
        string provider, ClaimsPrincipal principal, OAuthService oauth, CancellationToken ct) =>
        await oauth.UnlinkAsync(principal.UserId(), provider, ct) switch
        {
            UnlinkResult.Unlinked => TypedResults.NoContent(),
            UnlinkResult.NotLinked => Problems.NotFound("Your account is not linked to this provider."),
            UnlinkResult.LastSignInMethod => Problems.Conflict(
                "This is the only way to sign in to your account. Set a password (reset it by email) or link another provider first."),
            _ => MeEndpoints.NoAccount(),
        };
}
