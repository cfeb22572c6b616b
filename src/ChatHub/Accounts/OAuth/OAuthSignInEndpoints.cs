using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Accounts.OAuth;

/// <summary>
/// Signing in with a provider, for browsers: <c>start</c> sends the browser to the provider, the provider's
/// handler takes its answer at <c>/signin-{provider}</c> and passes it on to <c>complete</c>, which sends the
/// browser back to the page with a one-time code that the page trades at <c>exchange</c> for a session.
/// </summary>
public static partial class OAuthSignInEndpoints
{
    // Carried through the provider inside the handler's encrypted state, so nobody on the way can change them.
    private const string ReturnUrlItem = "returnUrl";
    private const string ProviderItem = "provider";
    private const string LinkUserItem = "linkUser";

    public static IEndpointRouteBuilder MapOAuthSignIn(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth/oauth").WithTags("OAuth").AllowAnonymous();
        group.MapGet("/providers", ListProviders);
        group.MapGet("/{provider}/start", StartAsync);
        group.MapGet("/{provider}/complete", CompleteAsync);
        group.MapPost("/exchange", ExchangeAsync).MayAskForASecondFactor();
        return app;
    }

    private static Ok<OAuthProviderDto[]> ListProviders(OAuthProviders providers) =>
        TypedResults.Ok(providers.All.Select(p => new OAuthProviderDto { Name = p.Name, DisplayName = p.DisplayName }).ToArray());

    /// <param name="link">From a link URL (<c>POST /api/me/oauth/{provider}/link-start</c>): link to that user instead of signing in.</param>
    private static async Task<Results<ChallengeHttpResult, ProblemHttpResult>> StartAsync(
        string provider, string? returnUrl, string? link, HttpRequest request, OAuthProviders providers, ReturnUrls returnUrls, LinkStates links,
        CancellationToken ct)
    {
        if (providers.Find(provider) is null) return UnknownProvider(provider);
        returnUrl ??= ReturnUrls.Default;
        if (!returnUrls.IsAllowed(returnUrl)) return BadReturnUrl();

        var properties = new AuthenticationProperties { RedirectUri = Routes.OAuthComplete(provider) };
        properties.SetString(ReturnUrlItem, returnUrl);
        properties.SetString(ProviderItem, provider);
        if (link is not null)
        {
            if (await links.ReadAsync(link, provider, request.Cookies[LinkStates.BrowserCookie], ct) is not { } userId)
            {
                return Problems.BadRequest("This link has expired or is not valid. Start linking again from your account settings.");
            }
            properties.SetString(LinkUserItem, userId);
        }
        return TypedResults.Challenge(properties, [provider]);
    }

    private static async Task<Results<RedirectHttpResult, ProblemHttpResult>> CompleteAsync(
        string provider, HttpContext http, OAuthService oauth, CancellationToken ct)
    {
        var external = await http.AuthenticateAsync(OAuthExtensions.ExternalScheme);
        // One use: reloading this page must not sign in or link a second time.
        await http.SignOutAsync(OAuthExtensions.ExternalScheme);
        if (!external.Succeeded || external.Properties.GetString(ProviderItem) != provider)
        {
            return Problems.BadRequest("The sign-in with the provider did not finish, or took longer than 5 minutes. Start again.");
        }

        var answer = ExternalIdentity.From(provider, external.Principal, external.Properties) is not { } identity
            ? OAuthAnswer.Error(OAuthErrors.ProviderFailed)
            : external.Properties.GetString(LinkUserItem) is { } userId
                ? await oauth.LinkAsync(userId, identity, ct)
                : await oauth.SignInAsync(identity, ct);
        return TypedResults.Redirect(ReturnUrls.WithAnswer(external.Properties.GetString(ReturnUrlItem) ?? ReturnUrls.Default, answer));
    }

    /// <summary>The provider stands for the password: an account with two-factor authentication on gets its challenge.</summary>
    private static async Task<Results<Ok<AuthResponse>, Ok<SecondFactorChallenge>, ProblemHttpResult>> ExchangeAsync(
        OAuthExchangeRequest request, SignInCodes codes, IUserStore users, SignInService signIn, CancellationToken ct)
    {
        var userId = await codes.TakeAsync(request.Code, ct);
        var user = userId is null ? null : await users.FindByIdAsync(userId, ct);
        return user is null
            ? Problems.Unauthorized("The sign-in code is not valid: it is unknown, expired or already used. Sign in again.")
            : (await signIn.FirstFactorPassedAsync(user, ct)).ToResult();
    }

    /// <summary>
    /// The provider said no, or its answer could not be checked (a lost correlation cookie, a bad token):
    /// the browser goes back to the page with an error instead of landing on a 500.
    /// </summary>
    internal static Task ProviderFailedAsync(RemoteFailureContext context)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OAuthSignInEndpoints).FullName!);
        LogProviderFailed(logger, context.Scheme.Name, context.Failure);
        var returnUrl = context.Properties?.GetString(ReturnUrlItem) ?? ReturnUrls.Default;
        context.Response.Redirect(ReturnUrls.WithAnswer(returnUrl, OAuthAnswer.Error(OAuthErrors.ProviderFailed)));
        context.HandleResponse();
        return Task.CompletedTask;
    }

    internal static ProblemHttpResult UnknownProvider(string provider) => Problems.NotFound($"There is no sign-in provider named '{provider}'.");

    internal static ProblemHttpResult BadReturnUrl() =>
        Problems.BadRequest("returnUrl must be a path on this site (/...) or a page on an origin in Cors:Origins, without a fragment.");

    [LoggerMessage(EventId = 4605, Level = LogLevel.Warning, Message = "Sign-in with {Provider} failed")]
    private static partial void LogProviderFailed(ILogger logger, string provider, Exception? failure);
}
