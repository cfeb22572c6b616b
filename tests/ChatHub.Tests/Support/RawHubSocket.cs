using System.Net.WebSockets;
using System.Text;
using ChatHub.Contracts;

namespace ChatHub.Tests.Support;

/// <summary>
/// A hub connection made by hand over a plain WebSocket, as a careless or hostile client would: it does the handshake
/// and then sends exactly the bytes the test gives, no pings of its own.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket;
    private readonly StringBuilder _received = new();

    private RawHubSocket(ClientWebSocket socket, HubProtocol protocol) => (_socket, Protocol) = (socket, protocol);

    public HubProtocol Protocol { get; }

    public WebSocketState State => _socket.State;

    /// <summary>Everything the server sent so far, read as UTF-8 (MessagePack strings are UTF-8 too).</summary>
    public string Received => _received.ToString();

    /// <summary>Opens the socket; with <paramref name="handshake"/> also completes the hub handshake.</summary>
    public static async Task<RawHubSocket> ConnectAsync(Uri server, string accessToken, HubProtocol protocol = HubProtocol.Json, bool handshake = true)
    {
        var socket = new ClientWebSocket();
        var url = new UriBuilder(new Uri(server, Routes.ChatHub)) { Scheme = "ws", Query = $"access_token={accessToken}" }.Uri;
        await socket.ConnectAsync(url, TestContext.Current.CancellationToken).Bounded();
        var raw = new RawHubSocket(socket, protocol);
        if (handshake)
        {
            var name = protocol == HubProtocol.MessagePack ? "messagepack" : "json";
            await raw.SendTextAsync($"{{\"protocol\":\"{name}\",\"version\":1}}{RecordSeparator}");
            var answer = await raw.ReceiveFrameAsync();
            // A refusal may come in the same frame, right behind the handshake's answer.
            if (answer?.StartsWith("{}" + RecordSeparator, StringComparison.Ordinal) != true) throw new InvalidOperationException($"The handshake failed: {answer}");
        }
        return raw;
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, TestContext.Current.CancellationToken).Bounded();

    /// <summary>One JSON hub message: the record separator is added here.</summary>
    public Task SendJsonAsync(string json) => SendTextAsync(json + RecordSeparator);

    /// <summary>One MessagePack hub message: its length prefix is added here.</summary>
    public Task SendMessagePackAsync(params byte[] message)
    {
        if (message.Length > 127) throw new ArgumentException("Only short messages: a one-byte length prefix.", nameof(message));
        return _socket.SendAsync((byte[])[(byte)message.Length, .. message], WebSocketMessageType.Binary, true, TestContext.Current.CancellationToken).Bounded();
    }

    /// <summary>Reads until the server closes the socket (or drops it); the bound is the test's event timeout.</summary>
    public async Task WaitClosedAsync()
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bounded.CancelAfter(Timeouts.Event);
        try
        {
            while (await ReceiveFrameAsync(bounded.Token) is not null)
            {
            }
        }
        catch (WebSocketException)
        {
            // Dropped rather than closed: closed all the same.
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The server kept the connection open for {Timeouts.Event.TotalSeconds} s. It sent: {Received}");
        }
    }

    /// <summary>The next frame the server sends, as text; null once it closed the socket.</summary>
    public Task<string?> NextFrameAsync() => ReceiveFrameAsync();

    /// <summary>Drops the connection without a close frame, as a lost network would.</summary>
    public void Abort() => _socket.Abort();

    /// <summary>The next whole frame as text; null once the server closed the socket.</summary>
    private async Task<string?> ReceiveFrameAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken == default) cancellationToken = TestContext.Current.CancellationToken;
        var buffer = new byte[4096];
        using var frame = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, cancellationToken).WaitAsync(Timeouts.Event, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            frame.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        var text = Encoding.UTF8.GetString(frame.ToArray());
        _received.Append(text);
        return text;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
