using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// The hub connections open on this node, so that ending a user's sessions closes theirs at once rather than at
/// their next call. <c>IHubContext</c> can send to a connection but not close it; only the connection's own
/// <see cref="HubCallerContext"/> can, so <see cref="SessionHubFilter"/> records each one here while it is open.
/// </summary>
public sealed class UserConnections(ISessionsEndedRelay relay)
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new();

    public void Add(HubCallerContext connection) => _open[connection.ConnectionId] = connection;

    public void Remove(HubCallerContext connection) => _open.TryRemove(connection.ConnectionId, out _);

    /// <summary>Closes the user's connections on every node.</summary>
    public async Task CloseAllAsync(string userId)
    {
        CloseLocal(userId);
        await relay.PublishAsync(userId);
    }

    /// <summary>
    /// Closes the user's connections on this node. A scan, not an index by user: it runs only when sessions end,
    /// and a single dictionary keeps adding and removing free of races.
    /// </summary>
    public void CloseLocal(string userId)
    {
        foreach (var connection in _open.Values)
        {
            if (connection.User?.UserId() == userId) connection.Abort();
        }
    }
}

/// <summary>Tells the other nodes of a deployment that a user's sessions ended, so they close that user's connections too.</summary>
public interface ISessionsEndedRelay
{
    ValueTask PublishAsync(string userId);
}

/// <summary>One node: there is no one else to tell.</summary>
public sealed class SingleNodeSessionsEndedRelay : ISessionsEndedRelay
{
    public ValueTask PublishAsync(string userId) => ValueTask.CompletedTask;
}
