using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ChatHub.Infrastructure;

/// <summary>
/// Per-address rate limits on the anonymous account endpoints (ASP.NET Core's rate limiter), with the client's address
/// taken from <c>X-Forwarded-For</c> only when the request comes from a proxy listed in <c>ForwardedHeaders:KnownProxies</c>.
/// </summary>
public static class AbuseLimits
{
    public const string AnonymousAuthPolicy = "anonymous-auth";

    public static WebApplicationBuilder AddAbuseLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AbuseOptions>().BindConfiguration(AbuseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var proxies = builder.Configuration.GetSection("ForwardedHeaders:KnownProxies").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the proxies named: by default not even loopback, so no caller can pick its own address.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies holds '{proxy}', which is not an IP address."));
            }
        });
        // Refusals are answered by the quotas' OnRejected (a 429 ProblemDetails with Retry-After), which also runs the limiter.
        builder.Services.AddRateLimiter(options => options.AddPolicy(AnonymousAuthPolicy, http =>
        {
            var limit = http.RequestServices.GetRequiredService<IOptions<AbuseOptions>>().Value.AnonymousAuthPerMinute;
            return RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1) });
        }));
        return builder;
    }

    /// <summary>
    /// Before anything reads the client's address. Only with proxies configured: with none listed the middleware would
    /// take the headers from anyone.
    /// </summary>
    public static WebApplication UseForwardedClientAddress(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownProxies.Count > 0) app.UseForwardedHeaders();
        return app;
    }
}
