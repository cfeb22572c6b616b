using ChatHub.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// A hub connection is authenticated once, when it opens; this checks its token again on every call, so an expired
/// token, a sign-out, a password or role change also end connections already open. It also keeps
/// <see cref="UserConnections"/>, so an ended session closes its connections at once.
/// </summary>
public sealed class SessionHubFilter(SessionCheck sessions, UserConnections connections, TimeProvider clock) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var connection = context.Context;
        if (await EndReasonAsync(connection) is { } reason)
        {
            await connections.EndConnectionAsync(connection, reason);
            throw new HubException(reason == SessionEndReasons.Expired
                ? "Your access token has expired. Reconnect with a new one."
                : "Your session has ended. Sign in again.");
        }
        return await next(context);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        connections.Add(context.Context, context.Hub.Clients.Caller);
        // Sessions that ended between the handshake's token check and the line above were closed without this
        // connection: look once more, now that any later ending will find it.
        if (await EndReasonAsync(context.Context) is { } reason) await connections.EndConnectionAsync(context.Context, reason);
        await next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Remove(context.Context);
        return next(context, exception);
    }

    private async ValueTask<string?> EndReasonAsync(HubCallerContext connection) =>
        connection.User!.ExpiresAt() <= clock.GetUtcNow()
            ? SessionEndReasons.Expired
            : await sessions.EndReasonAsync(connection.User!, connection.ConnectionAborted);
}
