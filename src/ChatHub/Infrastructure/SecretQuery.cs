using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ChatHub.Infrastructure;

/// <summary>
/// Query parameters that carry secrets: browsers must put the hub's access token in the URL (a WebSocket takes no
/// header), and a provider's sign-in comes back with a one-time code. The framework logs a request's URL (hosting's
/// "Request starting/finished" lines), and telemetry tags it (<c>url.query</c>, <c>url.full</c>), before and after any
/// middleware runs; so the request is made with these values redacted (<see cref="RedactingHttpContextFactory"/>), and
/// only the pipeline in between (<see cref="UseSecretQuery"/>) sees the real ones.
/// </summary>
public static class SecretQuery
{
    public const string Redacted = "[redacted]";

    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "access_token", "id_token", "refresh_token", "token", "code", "state", "client_secret", "password",
    };

    /// <summary>The query with every secret value replaced; null when it holds none.</summary>
    public static QueryString? Redact(QueryString query)
    {
        if (!query.HasValue) return null;
        var parsed = QueryHelpers.ParseQuery(query.Value);
        if (!parsed.Keys.Any(Names.Contains)) return null;
        return QueryString.Create(parsed.SelectMany(pair => pair.Value.Select(value =>
            KeyValuePair.Create(pair.Key, Names.Contains(pair.Key) ? Redacted : value))));
    }

    /// <summary>First in the pipeline: the endpoints see the real query, and the request ends with the redacted one again.</summary>
    public static WebApplication UseSecretQuery(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Features.Get<Original>() is not { } original)
            {
                await next(context);
                return;
            }
            var redacted = context.Request.QueryString;
            context.Request.QueryString = original.Query;
            try
            {
                await next(context);
            }
            finally
            {
                context.Request.QueryString = redacted;
            }
        });
        return app;
    }

    /// <summary>The query as it arrived, kept on the request while the logged one is redacted.</summary>
    public sealed record Original(QueryString Query);
}

/// <summary>Makes each request with its secret query values redacted, before the framework logs or traces it.</summary>
public sealed class RedactingHttpContextFactory(IServiceProvider services) : IHttpContextFactory
{
    private readonly DefaultHttpContextFactory _inner = new(services);

    public HttpContext Create(IFeatureCollection featureCollection)
    {
        var context = _inner.Create(featureCollection);
        if (SecretQuery.Redact(context.Request.QueryString) is { } redacted)
        {
            context.Features.Set(new SecretQuery.Original(context.Request.QueryString));
            context.Request.QueryString = redacted;
        }
        return context;
    }

    public void Dispose(HttpContext httpContext) => _inner.Dispose(httpContext);
}
