using System.Net;
using System.Net.Sockets;

namespace ChatHub.Tests.Support;

/// <summary>
/// A TCP proxy a test puts between the service and a server it depends on (redis-server, the
/// MongoDB-wire server), or between a client and the service, to make the far side slow or broken
/// the way a network or a stuck process does: added latency per chunk, a stall (bytes held, connections kept, as a
/// <c>kill -STOP</c> does), a blackhole (bytes dropped) or a reset of every connection.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly int? _receiveBufferBytes;
    private readonly CancellationTokenSource _closing = new();
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _sockets = [];
    private TaskCompletionSource _flowing = Flowing();
    private TaskCompletionSource _flowingBack = Flowing();
    private volatile bool _blackhole;

    private FaultProxy(int targetPort, int? receiveBufferBytes)
    {
        _targetPort = targetPort;
        _receiveBufferBytes = receiveBufferBytes;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <param name="receiveBufferBytes">
    /// A fixed receive buffer for the socket toward the target (no autotuning), so a stalled reader fills up as
    /// soon as a phone's would, not after the tens of megabytes a loopback socket takes in.
    /// </param>
    public static FaultProxy To(int targetPort, int? receiveBufferBytes = null) => new(targetPort, receiveBufferBytes);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Each chunk, in either direction, waits this long before it is forwarded.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Holds every byte from now on, in both directions, until <see cref="Resume"/>; connections stay open.</summary>
    public void Stall()
    {
        lock (_lock) if (_flowing.Task.IsCompleted) _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Holds every byte the target sends back from now on, until <see cref="Resume"/>, while what the connecting
    /// side sends still flows: a peer that stops reading its socket.
    /// </summary>
    public void StallBack()
    {
        lock (_lock) if (_flowingBack.Task.IsCompleted) _flowingBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Forwards what was held, in order, and everything after.</summary>
    public void Resume()
    {
        lock (_lock)
        {
            _flowing.TrySetResult();
            _flowingBack.TrySetResult();
        }
    }

    /// <summary>Drops every byte from now on (while true) without closing anything: the peer hears nothing, ever.</summary>
    public bool Blackhole
    {
        get => _blackhole;
        set => _blackhole = value;
    }

    /// <summary>Resets (RST) every connection open now; new ones are accepted as before.</summary>
    public void ResetAll()
    {
        TcpClient[] open;
        lock (_lock)
        {
            open = [.. _sockets];
            _sockets.Clear();
        }
        foreach (var socket in open)
        {
            try
            {
                socket.Client?.LingerState = new LingerOption(true, 0);
            }
            catch (ObjectDisposedException)
            {
                // closed by its pump meanwhile
            }
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _listener.Stop();
        Resume();
        ResetAll();
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAsync()
    {
        while (!_closing.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_closing.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            var server = new TcpClient { NoDelay = true };
            if (_receiveBufferBytes is { } bytes) server.ReceiveBufferSize = bytes;
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _closing.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            lock (_lock) _sockets.AddRange([client, server]);
            _ = PumpAsync(client, server, back: false);
            _ = PumpAsync(server, client, back: true);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool back)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var (input, output) = (from.GetStream(), to.GetStream());
            while (true)
            {
                var read = await input.ReadAsync(buffer, _closing.Token);
                if (read == 0) break;
                if (Latency > TimeSpan.Zero) await Task.Delay(Latency, _closing.Token);
                Task flowing;
                lock (_lock) flowing = back ? Task.WhenAll(_flowing.Task, _flowingBack.Task) : _flowing.Task;
                await flowing.WaitAsync(_closing.Token);
                if (_blackhole) continue;
                await output.WriteAsync(buffer.AsMemory(0, read), _closing.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // One side went away (or was reset on purpose): the other goes too.
        }
        from.Dispose();
        to.Dispose();
    }
}
