using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// A hub connection is authenticated once, when it opens; this checks its token again on every
/// call, so a password or role change (or a deleted account) also ends connections already open.
/// </summary>
public sealed class SessionHubFilter(SessionCheck sessions) : IHubFilter
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
}
