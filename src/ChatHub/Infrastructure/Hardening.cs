using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace ChatHub.Infrastructure;

/// <summary>Browser-facing defenses: security headers on every answer, CORS for configured origins, small REST bodies.</summary>
public static class Hardening
{
    /// <summary>REST bodies are small JSON documents. Hub messages travel over WebSockets and have their own limit.</summary>
    public const long MaxApiBodyBytes = 64 * 1024;

    // For the page the service serves itself: everything from this origin, the hub over ws/wss, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";

    /// <summary>
    /// <c>Cors:Origins</c>: other sites whose pages may call the API and the hub. Tokens travel in the
    /// Authorization header, never in cookies, so credentials stay off.
    /// </summary>
    public static WebApplicationBuilder AddHardening(this WebApplicationBuilder builder)
    {
        // "Server: Kestrel" tells a prober which stack to aim at and helps no client.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        var origins = CorsOrigins(builder.Configuration);
        builder.Services.AddCors(options => options.AddDefaultPolicy(policy => policy
            .WithOrigins(origins)
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete)
            // The SignalR JavaScript client adds the last two to its negotiate request.
            .WithHeaders(HeaderNames.Authorization, HeaderNames.ContentType, HeaderNames.XRequestedWith, "X-SignalR-User-Agent")
            .WithExposedHeaders(HeaderNames.RetryAfter, HeaderNames.Location)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
        return builder;
    }

    /// <summary>The origins in <c>Cors:Origins</c>: their pages may also be where a provider sign-in returns to.</summary>
    public static string[] CorsOrigins(IConfiguration configuration) => configuration.GetSection("Cors:Origins").Get<string[]>() ?? [];

    /// <summary>First in the pipeline, so even the exception handler's answers carry the headers.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // At the start of the response, because the exception handler clears headers set before it.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    public static WebApplication UseApiBodyLimit(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api")
                && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxApiBodyBytes;
            }
            return next(context);
        });
        return app;
    }
}
