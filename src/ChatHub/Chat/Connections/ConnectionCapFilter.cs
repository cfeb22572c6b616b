using ChatHub.Accounts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat.Connections;

/// <summary>
/// Caps each user's open connections at <c>Hub:MaxConnectionsPerUser</c>. One more is closed as it opens, with a close
/// message that says why (every SignalR client hands it to its close handler); a connection that ends, however it
/// ends, gives its place back.
/// </summary>
public sealed partial class ConnectionCapFilter(IConnectionCounts counts, IOptions<HubSettings> settings, ILogger<ConnectionCapFilter> logger) : IHubFilter
{
    public static string TooMany(int max) =>
        $"You have {max} connections open, the most allowed. Close one (another tab or device) and connect again.";

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var connection = context.Context;
        var userId = connection.User!.UserId();
        var max = settings.Value.MaxConnectionsPerUser;
        if (!await counts.TryAddAsync(userId, connection.ConnectionId, max))
        {
            LogRefused(logger, connection.ConnectionId, max);
            throw new HubException(TooMany(max));
        }
        try
        {
            await next(context);
        }
        catch
        {
            // Closed without OnDisconnected: the place is given back here.
            await counts.RemoveAsync(userId, connection.ConnectionId);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            await counts.RemoveAsync(context.Context.User!.UserId(), context.Context.ConnectionId);
        }
    }

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Connection {ConnectionId} refused: its user already has {Max} connections open")]
    private static partial void LogRefused(ILogger logger, string connectionId, int max);
}
