using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;

namespace ChatHub.ScaleOut;

/// <summary>
/// The Redis backplane, with a way home: while Redis is unreachable, messages go to this node's own
/// connections instead of being lost, and when Redis returns, the connections and groups that came
/// meanwhile are registered with the backplane again.
/// </summary>
public sealed class FailoverHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly DefaultHubLifetimeManager<THub> _local;
    private readonly RedisHubLifetimeManager<THub> _redis;
    private readonly RedisGuard _guard;
    private readonly ConcurrentDictionary<string, Member> _members = new();

    public FailoverHubLifetimeManager(IServiceProvider services, RedisGuard guard)
    {
        _local = ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<THub>>(services);
        _redis = ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<THub>>(services);
        _guard = guard;
        // A lost connection, or a Redis that stalled and answers again: either way, register what came meanwhile.
        guard.Redis.ConnectionRestored += (_, _) => _ = RejoinAsync();
        guard.Restored += () => _ = RejoinAsync();
    }

    private sealed class Member(HubConnectionContext connection)
    {
        public HubConnectionContext Connection { get; } = connection;
        public ConcurrentDictionary<string, byte> Groups { get; } = new();
        public volatile bool OnBackplane;
    }

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        var member = _members[connection.ConnectionId] = new Member(connection);
        await _local.OnConnectedAsync(connection);
        member.OnBackplane = await TryRedisAsync(() => _redis.OnConnectedAsync(connection));
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        _members.TryRemove(connection.ConnectionId, out _);
        await _local.OnDisconnectedAsync(connection);
        await TryRedisAsync(() => _redis.OnDisconnectedAsync(connection));
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (_members.TryGetValue(connectionId, out var member)) member.Groups[groupName] = 0;
        await _local.AddToGroupAsync(connectionId, groupName, cancellationToken);
        if (member is { OnBackplane: true } && !await TryRedisAsync(() => _redis.AddToGroupAsync(connectionId, groupName, cancellationToken)))
        {
            member.OnBackplane = false;
        }
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        if (_members.TryGetValue(connectionId, out var member)) member.Groups.TryRemove(groupName, out _);
        await _local.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
        await TryRedisAsync(() => _redis.RemoveFromGroupAsync(connectionId, groupName, cancellationToken));
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendAllAsync(methodName, args, cancellationToken));

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendConnectionAsync(connectionId, methodName, args, cancellationToken));

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken));

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupAsync(groupName, methodName, args, cancellationToken));

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupsAsync(groupNames, methodName, args, cancellationToken));

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendUserAsync(userId, methodName, args, cancellationToken));

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendUsersAsync(userIds, methodName, args, cancellationToken));

    public void Dispose() => _redis.Dispose();

    /// <summary>Through the backplane while it is up (it delivers to this node too), else to this node's connections only.</summary>
    private async Task SendAsync(Func<HubLifetimeManager<THub>, Task> send)
    {
        if (await TryRedisAsync(() => send(_redis))) return;
        await send(_local);
    }

    /// <summary>Bounded, and false on any failure (which <see cref="RedisGuard"/> logs): the caller then does without Redis.</summary>
    private Task<bool> TryRedisAsync(Func<Task> action) => _guard.TryAsync(action);

    private async Task RejoinAsync()
    {
        foreach (var member in _members.Values.Where(m => !m.OnBackplane))
        {
            var ok = await TryRedisAsync(() => _redis.OnConnectedAsync(member.Connection));
            foreach (var group in member.Groups.Keys)
            {
                ok = ok && await TryRedisAsync(() => _redis.AddToGroupAsync(member.Connection.ConnectionId, group));
            }
            member.OnBackplane = ok;
        }
    }
}
