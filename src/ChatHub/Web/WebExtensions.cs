namespace ChatHub.Web;

/// <summary>The web chat page: static files from wwwroot, open to anyone (the page signs in through the API).</summary>
public static class WebExtensions
{
    /// <summary>
    /// Must run before authorization: the app's fallback policy requires a signed-in user for every
    /// request that reaches the authorization middleware, endpoint or not, and a browser asks for the
    /// page before it has a token.
    /// </summary>
    public static WebApplication UseWeb(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // The assets keep their names across releases, so browsers revalidate them (cheap: ETags).
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        return app;
    }
}
