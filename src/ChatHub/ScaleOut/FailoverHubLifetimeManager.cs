using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// The Redis backplane, with a way home: while Redis is unreachable, messages go to this node's own
/// connections instead of being lost, and when Redis returns, the connections and groups that came
/// meanwhile are registered with the backplane again.
/// </summary>
public sealed partial class FailoverHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly DefaultHubLifetimeManager<THub> _local;
    private readonly RedisHubLifetimeManager<THub> _redis;
    private readonly IConnectionMultiplexer _multiplexer;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Member> _members = new();

    public FailoverHubLifetimeManager(IServiceProvider services, IConnectionMultiplexer multiplexer, ILogger<FailoverHubLifetimeManager<THub>> logger)
    {
        _local = ActivatorUtilities.CreateInstance<DefaultHubLifetimeManager<THub>>(services);
        _redis = ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<THub>>(services);
        _multiplexer = multiplexer;
        _logger = logger;
        _multiplexer.ConnectionRestored += (_, _) => _ = RejoinAsync();
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
        if (_multiplexer.IsConnected && await TryRedisAsync(() => send(_redis))) return;
        await send(_local);
    }

    private async Task<bool> TryRedisAsync(Func<Task> action)
    {
        if (!_multiplexer.IsConnected) return false;
        try
        {
            await action();
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogBackplaneFailed(_logger, ex);
            return false;
        }
    }

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

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "The Redis backplane failed; delivering to this node's connections only")]
    private static partial void LogBackplaneFailed(ILogger logger, Exception exception);
}
