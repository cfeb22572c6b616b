using System.Collections.Concurrent;
using ChatHub.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// The hub connections open on this node, so that ending a session closes its connections at once rather than at
/// their next call, each told why first (<see cref="IChatClient.SessionEnded"/>). <c>IHubContext</c> can send to a
/// connection but not close it; only the connection's own <see cref="HubCallerContext"/> can, so
/// <see cref="SessionHubFilter"/> records each one here while it is open.
/// </summary>
public sealed class UserConnections(ISessionsEndedRelay relay, SessionCheck sessions)
{
    /// <summary>How long the reason may take to go out before the connection closes anyway.</summary>
    private static readonly TimeSpan TellTimeout = TimeSpan.FromSeconds(2);

    private sealed record Open(HubCallerContext Context, IClientProxy Client);

    private readonly ConcurrentDictionary<string, Open> _open = new();

    public void Add(HubCallerContext connection, IClientProxy client) => _open[connection.ConnectionId] = new Open(connection, client);

    public void Remove(HubCallerContext connection) => _open.TryRemove(connection.ConnectionId, out _);

    /// <summary>Closes the session's connections (all the user's, without a session id) on every node.</summary>
    public async Task EndAsync(SessionEnd end)
    {
        await EndLocalAsync(end);
        await relay.PublishAsync(end);
    }

    /// <summary>
    /// Closes the matching connections on this node, and forgets what this node cached about the session. A scan, not
    /// an index by user: it runs only when sessions end, and a single dictionary keeps adding and removing free of races.
    /// </summary>
    public Task EndLocalAsync(SessionEnd end)
    {
        sessions.Forget(end);
        return CloseWhereAsync(open => end.Covers(open.Context.User!), end.Reason);
    }

    /// <summary>Closes the connections whose access token has expired by <paramref name="now"/>.</summary>
    public Task EndExpiredAsync(DateTimeOffset now) =>
        CloseWhereAsync(open => open.Context.User!.ExpiresAt() <= now, SessionEndReasons.Expired);

    /// <summary>Tells the connection why and closes it; a connection already being closed is only aborted.</summary>
    public async Task EndConnectionAsync(HubCallerContext connection, string reason)
    {
        if (_open.TryRemove(connection.ConnectionId, out var open)) await CloseAsync(open, reason);
        else connection.Abort();
    }

    private Task CloseWhereAsync(Func<Open, bool> match, string reason) =>
        Task.WhenAll(_open.Values.Where(match).Select(open => _open.TryRemove(open.Context.ConnectionId, out _) ? CloseAsync(open, reason) : Task.CompletedTask));

    /// <summary>Removed from the list before this runs, so each connection is told once.</summary>
    private static async Task CloseAsync(Open open, string reason)
    {
        try
        {
            await open.Client.SendAsync(HubEvents.SessionEnded, new SessionEnded { Reason = reason }).WaitAsync(TellTimeout);
        }
        catch (TimeoutException)
        {
            // A connection too slow to take one small message is closed without it.
        }
        // Closed, not just refused: an open connection would go on receiving its conversations' replies.
        open.Context.Abort();
    }
}
