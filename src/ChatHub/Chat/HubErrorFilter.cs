using ChatHub.Storage;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Chat;

/// <summary>
/// Logs an unexpected hub failure once, with its connection id, and answers the caller with a
/// message that tells nothing of the internals. HubExceptions are meant for the user and pass.
/// </summary>
public sealed partial class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is not HubException && !context.Context.ConnectionAborted.IsCancellationRequested)
        {
            LogHubMethodFailed(logger, ex, context.HubMethodName, context.Context.ConnectionId);
            throw new HubException(StoreErrors.IsUnavailable(ex) ? StoreErrors.Unavailable : "Something went wrong on our side. Please try again.");
        }
    }

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Hub method {Method} failed on connection {ConnectionId}")]
    private static partial void LogHubMethodFailed(ILogger logger, Exception exception, string method, string connectionId);
}
