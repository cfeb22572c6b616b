using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using MongoDB.Driver;

namespace ChatHub.Storage;

/// <summary>
/// Tells a store that cannot be reached (or is busy) from a bug, so users hear "try again later" only
/// when trying again can help. A constraint violation, a malformed query or a corrupt file is a real
/// failure: it is logged as an error and the user hears that something went wrong.
/// </summary>
public static class StoreErrors
{
    public const string Unavailable = "The service is temporarily unavailable. Please try again in a moment.";

    // SQLite's primary result codes that pass with time: another writer holds the file, the disk or the
    // file is away or full. Everything else (SQLITE_CONSTRAINT, SQLITE_ERROR, SQLITE_CORRUPT ...) is not.
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteIoError = 10, SqliteFull = 13, SqliteCantOpen = 14;

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull or SqliteCantOpen,
        // Covers MongoConnectionClosedException and the rest of the connection family.
        MongoConnectionException or MongoExecutionTimeoutException or MongoNotPrimaryException or MongoNodeIsRecoveringException => true,
        // Server selection that finds no server, and any other call that ran out of time.
        TimeoutException => true,
        _ => false,
    };
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
