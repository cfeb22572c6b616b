using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using MongoDB.Driver;

namespace ChatHub.Storage;

/// <summary>Tells a store that cannot be reached from a bug, so users hear "try again later", not "something broke".</summary>
public static class StoreErrors
{
    public const string Unavailable = "The service is temporarily unavailable. Please try again in a moment.";

    public static bool IsUnavailable(Exception exception) => exception is SqliteException or MongoConnectionException
        or MongoExecutionTimeoutException or TimeoutException;
}

/// <summary>REST: a store outage is a 503 with Retry-After, and nothing of the cause.</summary>
public sealed class StoreUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreErrors.IsUnavailable(exception)) return false;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = { Status = 503, Title = "Service unavailable.", Detail = StoreErrors.Unavailable },
        });
    }
}
