using System.IO.Pipelines;
using ChatHub.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatHub.Chat.Delivery;

/// <summary>
/// One hub connection as the lifetime managers (SignalR's in-memory one, the Redis backplane's) see it: a write
/// never waits for this connection's socket. When nothing is waiting, a message goes straight to the connection,
/// as before; once a write to the socket has to wait, the messages after it queue here, in order, and the send
/// that started the wait writes them one after the other as the socket takes them. A group send therefore never
/// waits for its slowest member (dotnet/aspnetcore#43093); a send to this connection alone still completes once
/// it is written, so its caller waits for this socket and no other. When more than the limit waits, the connection
/// is closed: its client reconnects and re-watches, and the snapshot gives it what it missed.
/// </summary>
public sealed class QueuedConnection : HubConnectionContext
{
    private readonly HubConnectionContext _connection;
    private readonly long _limitBytes;
    private readonly Action<QueuedConnection, long> _overflowed;
    private readonly ChatMetrics _metrics;
    private readonly Lock _lock = new();
    private readonly Queue<Pending> _queue = new();
    private long _queuedBytes;
    private bool _sending;
    private bool _closed;

    /// <param name="limitBytes">How many bytes may wait; a single message larger than this still goes when nothing waits before it.</param>
    /// <param name="overflowed">Told, with the bytes that would have waited, when the connection is closed for being too far behind.</param>
    public QueuedConnection(HubConnectionContext connection, long limitBytes, Action<QueuedConnection, long> overflowed, ChatMetrics metrics)
        : base(new SameConnection(connection), new HubConnectionContextOptions { MaximumParallelInvocations = 1 }, NullLoggerFactory.Instance)
    {
        (_connection, _limitBytes, _overflowed, _metrics) = (connection, limitBytes, overflowed, metrics);
        UserIdentifier = connection.UserIdentifier;
        connection.ConnectionAborted.UnsafeRegister(static state => ((QueuedConnection)state!).Close(), this);
    }

    public override CancellationToken ConnectionAborted => _connection.ConnectionAborted;

    public override IHubProtocol Protocol
    {
        get => _connection.Protocol;
        set => throw new NotSupportedException("The protocol is the connection's own.");
    }

    public override void Abort() => _connection.Abort();

    /// <summary>A message for this connection alone (the managers' single-connection path): done once it is written, or dropped with the connection.</summary>
    public override ValueTask WriteAsync(HubMessage message, CancellationToken cancellationToken = default)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Send(new SerializedHubMessage(message), written);
        return new ValueTask(written.Task);
    }

    /// <summary>A message shared by many connections (a group, a user, everyone): done at once, whatever this connection's socket does.</summary>
    public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default)
    {
        Send(message, written: null);
        return default;
    }

    /// <summary>Drops whatever waits and takes nothing more: the connection is gone.</summary>
    public void Close()
    {
        List<Pending> dropped;
        long bytes;
        lock (_lock)
        {
            _closed = true;
            dropped = [.. _queue];
            _queue.Clear();
            (bytes, _queuedBytes) = (_queuedBytes, 0);
        }
        _metrics.Queued(-bytes);
        foreach (var pending in dropped) pending.Written?.TrySetResult();
    }

    private void Send(SerializedHubMessage message, TaskCompletionSource? written)
    {
        long overflow;
        lock (_lock)
        {
            if (_closed)
            {
                written?.TrySetResult();
                return;
            }
            if (!_sending)
            {
                _sending = true;
                overflow = 0;
            }
            else
            {
                // Serialized once per protocol and cached: the write to the socket reuses these bytes.
                var bytes = message.GetSerializedMessage(_connection.Protocol).Length;
                if (_queuedBytes == 0 || _queuedBytes + bytes <= _limitBytes)
                {
                    _queue.Enqueue(new Pending(message, bytes, written));
                    _queuedBytes += bytes;
                    _metrics.Queued(bytes);
                    return;
                }
                overflow = _queuedBytes + bytes;
            }
        }
        if (overflow > 0)
        {
            Close();
            written?.TrySetResult();
            _connection.Abort();
            _overflowed(this, overflow);
        }
        else
        {
            _ = WriteInOrderAsync(new Pending(message, 0, written));
        }
    }

    /// <summary>Writes the message, then whatever queued meanwhile; synchronous for as long as the socket takes each write at once.</summary>
    private async Task WriteInOrderAsync(Pending pending)
    {
        try
        {
            while (true)
            {
                var write = _connection.WriteAsync(pending.Message);
                if (write.IsCompletedSuccessfully) write.GetAwaiter().GetResult();
                else await write.AsTask().WaitAsync(_connection.ConnectionAborted);
                pending.Written?.TrySetResult();
                lock (_lock)
                {
                    if (_closed || !_queue.TryDequeue(out pending))
                    {
                        _sending = false;
                        return;
                    }
                    _queuedBytes -= pending.Bytes;
                }
                _metrics.Queued(-pending.Bytes);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection was aborted while its socket held a write: nothing more goes to it.
            pending.Written?.TrySetResult();
        }
    }

    private readonly record struct Pending(SerializedHubMessage Message, int Bytes, TaskCompletionSource? Written);

    /// <summary>The base class reads the connection's id, features and items through this; it never touches the transport.</summary>
    private sealed class SameConnection(HubConnectionContext connection) : ConnectionContext
    {
        public override string ConnectionId
        {
            get => connection.ConnectionId;
            set => throw new NotSupportedException();
        }

        public override IFeatureCollection Features => connection.Features;

        public override IDictionary<object, object?> Items
        {
            get => connection.Items;
            set => throw new NotSupportedException();
        }

        public override IDuplexPipe Transport
        {
            get => throw new NotSupportedException("Writes go through the connection itself.");
            set => throw new NotSupportedException();
        }
    }
}
