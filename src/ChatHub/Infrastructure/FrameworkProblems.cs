using Microsoft.AspNetCore.Routing;

namespace ChatHub.Infrastructure;

/// <summary>
/// The answers the framework gives by itself (a body it cannot read, an address or method it does not know) as
/// ProblemDetails with a <c>detail</c> that says what to do, like every answer of ours.
/// </summary>
public static class FrameworkProblems
{
    // Routing's own endpoints for a known address asked with the wrong method or content type.
    private const string MethodRejection = "405 HTTP Method Not Supported";
    private const string MediaTypeRejection = "415 HTTP Unsupported Media Type";

    /// <summary>For <c>AddProblemDetails</c>: fills in a detail where the framework left none.</summary>
    public static void AddDetail(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null) return;
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status400BadRequest => "The request could not be read: its body must be JSON of the shape this endpoint takes, its parameters of the right type (see /openapi/v1.json).",
            StatusCodes.Status404NotFound => "There is nothing at this address.",
            StatusCodes.Status405MethodNotAllowed => $"This address does not take {context.HttpContext.Request.Method} requests; see the Allow header.",
            StatusCodes.Status413PayloadTooLarge => $"The request body is too large: at most {Hardening.MaxApiBodyBytes / 1024} KB are allowed.",
            StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON, sent with Content-Type: application/json.",
            _ => null,
        };
    }

    /// <summary>
    /// Routing's 405 and 415 endpoints carry none of the route's metadata, so the fallback policy would ask for a
    /// sign-in first: a sign-in posted as text/plain was told 401 "sign in again". They tell nothing of any account, so
    /// they answer before authentication. Between the status-code pages (which write their body) and authentication.
    /// </summary>
    public static WebApplication UseRejectionsBeforeSignIn(this WebApplication app)
    {
        app.Use((context, next) => context.GetEndpoint() is { DisplayName: MethodRejection or MediaTypeRejection, RequestDelegate: { } reject }
            ? reject(context)
            : next(context));
        return app;
    }
}
