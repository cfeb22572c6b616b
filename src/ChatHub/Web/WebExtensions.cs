namespace ChatHub.Web;

/// <summary>The web chat page: static files from wwwroot, open to anyone (the page signs in through the API).</summary>
public static class WebExtensions
{
    /// <summary>
    /// The addresses the page owns besides <c>/</c>: mailed links and screens a reload or a bookmark must reopen.
    /// Only these get the page; anything else unknown (an API path above all) keeps its own answer.
    /// </summary>
    public static readonly string[] PagePaths =
    [
        "/reset-password", "/delete-account", "/settings", "/settings/{section}", "/admin", "/admin/{section}",
    ];

    private const string Page = "index.html";

    // The assets keep their names across releases, so browsers revalidate them (cheap: ETags).
    private static readonly StaticFileOptions NoCache = new()
    {
        OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
    };

    /// <summary>
    /// Must run before authorization: the app's fallback policy requires a signed-in user for every
    /// request that reaches the authorization middleware, endpoint or not, and a browser asks for the
    /// page before it has a token.
    /// </summary>
    public static WebApplication UseWeb(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(NoCache);
        return app;
    }

    /// <summary>The page for each of <see cref="PagePaths"/>, without a token, under the same headers as <c>/</c>.</summary>
    public static IEndpointRouteBuilder MapWeb(this IEndpointRouteBuilder app)
    {
        foreach (var path in PagePaths) app.MapFallbackToFile(path, Page, NoCache).AllowAnonymous();
        return app;
    }
}
