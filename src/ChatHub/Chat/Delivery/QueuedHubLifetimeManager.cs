using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ChatHub.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat.Delivery;

/// <summary>Which lifetime manager does the delivering: SignalR's in-memory one, or the Redis backplane with its way home.</summary>
public sealed record HubDelivery(Type Manager);

/// <summary>
/// The <see cref="HubDelivery"/> manager, given each connection as a <see cref="QueuedConnection"/>: whatever it
/// sends (to a group, a user, one connection; from this node or through Redis) waits for no connection's socket.
/// </summary>
public sealed partial class QueuedHubLifetimeManager<THub> : HubLifetimeManager<THub>, IDisposable where THub : Hub
{
    private readonly HubLifetimeManager<THub> _inner;
    private readonly ConcurrentDictionary<string, QueuedConnection> _connections = new();
    private readonly long _limitBytes;
    private readonly Action<QueuedConnection, long> _overflowed;
    private readonly ChatMetrics _metrics;

    public QueuedHubLifetimeManager(IServiceProvider services, HubDelivery delivery, IOptions<ChatSettings> settings, ChatMetrics metrics, ILogger<QueuedHubLifetimeManager<THub>> logger)
    {
        _inner = (HubLifetimeManager<THub>)ActivatorUtilities.CreateInstance(services, delivery.Manager.MakeGenericType(typeof(THub)));
        _limitBytes = settings.Value.ConnectionQueueBytes;
        _metrics = metrics;
        _overflowed = (connection, bytes) =>
        {
            metrics.SlowConnectionClosed();
            LogClosed(logger, connection.ConnectionId, bytes, _limitBytes);
        };
    }

    public override Task OnConnectedAsync(HubConnectionContext connection)
    {
        var queued = _connections[connection.ConnectionId] = new QueuedConnection(connection, _limitBytes, _overflowed, _metrics);
        return _inner.OnConnectedAsync(queued);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        if (!_connections.TryRemove(connection.ConnectionId, out var queued)) return Task.CompletedTask;
        queued.Close();
        return _inner.OnDisconnectedAsync(queued);
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _inner.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        _inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, CompletionMessage result) => _inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [NotNullWhen(true)] out Type? type) => _inner.TryGetReturnType(invocationId, out type);

    public void Dispose() => (_inner as IDisposable)?.Dispose();

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Closed hub connection {ConnectionId}: {Bytes} bytes were waiting for it, more than Chat:ConnectionQueueBytes ({Limit}); its client reconnects and re-watches")]
    private static partial void LogClosed(ILogger logger, string connectionId, long bytes, long limit);
}
