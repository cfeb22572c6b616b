using ChatHub.Storage;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Chat;

/// <summary>
/// Logs an unexpected hub failure once, at Error with its connection id, and answers the caller with a
/// message that tells nothing of the internals. HubExceptions are refusals meant for the user: they pass, logged
/// as one Debug line. Failures as a connection opens or closes are logged here too. (The framework's own "Failed to
/// invoke hub method" and "Error when dispatching 'OnConnectedAsync'" lines are filtered out, see
/// <see cref="Observability.ObservabilityExtensions"/>: every failure is logged here once.)
/// </summary>
public sealed partial class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (HubException refusal)
        {
            LogRefused(logger, context.HubMethodName, context.Context.ConnectionId, refusal.Message);
            throw;
        }
        catch (Exception ex) when (ex is not HubException && !context.Context.ConnectionAborted.IsCancellationRequested)
        {
            LogHubMethodFailed(logger, ex, context.HubMethodName, context.Context.ConnectionId);
            throw new HubException(StoreErrors.IsUnavailable(ex) ? StoreErrors.Unavailable : "Something went wrong on our side. Please try again.");
        }
    }

    /// <summary>A HubException here is a refusal (a connection over the cap) that its filter has logged.</summary>
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ex is not HubException)
        {
            LogLifetimeFailed(logger, ex, "opened", context.Context.ConnectionId);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        catch (Exception ex)
        {
            LogLifetimeFailed(logger, ex, "closed", context.Context.ConnectionId);
            throw;
        }
    }

    [LoggerMessage(EventId = 2015, Level = LogLevel.Error, Message = "Connection {ConnectionId} failed as it {Stage}")]
    private static partial void LogLifetimeFailed(ILogger logger, Exception exception, string stage, string connectionId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Hub method {Method} failed on connection {ConnectionId}")]
    private static partial void LogHubMethodFailed(ILogger logger, Exception exception, string method, string connectionId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Debug, Message = "Hub method {Method} refused on connection {ConnectionId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string connectionId, string reason);
}
