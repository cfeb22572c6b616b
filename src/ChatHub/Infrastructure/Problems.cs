using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Infrastructure;

/// <summary>RFC 7807 answers with a <c>detail</c> safe to show a user.</summary>
public static class Problems
{
    public const string TooManyRequestsTitle = "Too many requests.";

    public static ProblemHttpResult BadRequest(string detail) => Make(StatusCodes.Status400BadRequest, "The request is invalid.", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Make(StatusCodes.Status401Unauthorized, "Not signed in.", detail);

    public static ProblemHttpResult Forbidden(string detail) => Make(StatusCodes.Status403Forbidden, "Forbidden.", detail);

    public static ProblemHttpResult NotFound(string detail) => Make(StatusCodes.Status404NotFound, "Not found.", detail);

    public static ProblemHttpResult Conflict(string detail) => Make(StatusCodes.Status409Conflict, "Conflict.", detail);

    /// <summary>A 429 whose <c>Retry-After</c> header tells clients when to try again.</summary>
    public static ProblemHttpResult TooManyRequests(HttpResponse response, TimeSpan retryAfter, string detail)
    {
        SetRetryAfter(response, retryAfter);
        return Make(StatusCodes.Status429TooManyRequests, TooManyRequestsTitle, detail);
    }

    /// <summary>A 503 for a passing overload: nothing was done, and <c>Retry-After</c> says when to try again.</summary>
    public static ProblemHttpResult Unavailable(HttpResponse response, string detail)
    {
        SetRetryAfter(response, TimeSpan.FromMinutes(1));
        return Make(StatusCodes.Status503ServiceUnavailable, "Service unavailable.", detail);
    }

    /// <summary>Whole seconds, rounded up and at least one, so a client that waits that long is not refused again.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static void SetRetryAfter(HttpResponse response, TimeSpan retryAfter) =>
        response.Headers.RetryAfter = Seconds(retryAfter).ToString(CultureInfo.InvariantCulture);

    /// <summary>For answers written outside an endpoint (authentication events, the rate limiter).</summary>
    public static async Task WriteAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static ProblemHttpResult Make(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
