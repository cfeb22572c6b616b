using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// A hub connection is authenticated once, when it opens; this checks its token again on every call, so a
/// password or role change also ends connections already open. It also keeps <see cref="UserConnections"/>,
/// so a reset password or a deleted account closes the user's connections at once.
/// </summary>
public sealed class SessionHubFilter(SessionCheck sessions, UserConnections connections) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var connection = context.Context;
        if (!await sessions.IsCurrentAsync(connection.User!, connection.ConnectionAborted))
        {
            // Closed, not just refused: an open connection would go on receiving its conversations' replies.
            connection.Abort();
            throw new HubException("Your session has ended. Sign in again.");
        }
        return await next(context);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        connections.Add(context.Context);
        // Sessions that ended between the handshake's token check and the line above were closed without this
        // connection: look once more, now that any later ending will find it.
        if (!await sessions.IsCurrentAsync(context.Context.User!, context.Context.ConnectionAborted)) context.Context.Abort();
        await next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Remove(context.Context);
        return next(context, exception);
    }
}
