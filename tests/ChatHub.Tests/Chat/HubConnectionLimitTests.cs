using System.Net.WebSockets;
using ChatHub.Chat.Connections;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatHub.Tests.Chat;

/// <summary>
/// A careless or hostile client cannot hold connections for free: a quiet one is dropped, one that speaks no protocol
/// is closed, and a user's connections are capped. Raw WebSockets play the client that no SignalR library would be.
/// </summary>
public sealed class HubConnectionLimitTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AConnectionThatSendsNothingIsClosedAfterTheClientTimeout()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Hub:ClientTimeoutSeconds"] = "2",
            ["Hub:KeepAliveSeconds"] = "1",
        });
        var user = await server.CreateUserAsync();
        await using var silent = await RawHubSocket.ConnectAsync(server.BaseUri, user.AccessToken);

        // Nothing sent after the handshake, not even a ping: the server's own pings do not keep it open.
        await silent.WaitClosedAsync();

        Assert.Contains("{\"type\":6}", silent.Received);
    }

    [Fact]
    public async Task AConnectionThatSendsNothingBeforeItsHandshakeIsClosedAfterTheHandshakeTimeout()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Hub:HandshakeTimeoutSeconds"] = "1" });
        var user = await server.CreateUserAsync();
        await using var silent = await RawHubSocket.ConnectAsync(server.BaseUri, user.AccessToken, handshake: false);

        await silent.WaitClosedAsync();
    }

    [Fact]
    public async Task AJsonMessageOfAnUnknownTypeClosesTheConnectionWithAReason()
    {
        var user = await Server.CreateUserAsync();
        await using var socket = await RawHubSocket.ConnectAsync(Server.BaseUri, user.AccessToken);

        await socket.SendJsonAsync("{\"type\":99}");
        await socket.WaitClosedAsync();

        Assert.Contains("\"type\":7", socket.Received);
        Assert.Contains(StrictHubProtocol.UnknownMessage, socket.Received);
    }

    [Fact]
    public async Task AMessagePackMessageOfAnUnknownTypeClosesTheConnectionWithAReason()
    {
        var user = await Server.CreateUserAsync();
        await using var socket = await RawHubSocket.ConnectAsync(Server.BaseUri, user.AccessToken, HubProtocol.MessagePack);

        // [99]: an array of one, the message type.
        await socket.SendMessagePackAsync(0x91, 99);
        await socket.WaitClosedAsync();

        Assert.Contains(StrictHubProtocol.UnknownMessage, socket.Received);
    }

    [Fact]
    public async Task AKnownMessageStillWorksOnARawConnection()
    {
        var user = await Server.CreateUserAsync();
        await using var socket = await RawHubSocket.ConnectAsync(Server.BaseUri, user.AccessToken);

        await socket.SendJsonAsync("{\"type\":1,\"invocationId\":\"1\",\"target\":\"StopReply\",\"arguments\":[\"nope\"]}");
        await socket.SendJsonAsync("{\"type\":7}");
        await socket.WaitClosedAsync();

        Assert.Contains("There is no reply in progress with that id.", socket.Received);
    }

    [Theory]
    [InlineData(HubProtocol.Json)]
    [InlineData(HubProtocol.MessagePack)]
    public async Task ArgumentsOfTheWrongShapeAreRefusedWithWhatTheMethodTakesAndTheConnectionStaysUsable(HubProtocol protocol)
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync(protocol);

        var wrongType = await Assert.ThrowsAsync<HubException>(() => device.Hub.Connection.InvokeAsync<SendMessageResult>(HubMethods.SendMessage, 42, Ct).Bounded());
        var wrongCount = await Assert.ThrowsAsync<HubException>(() => device.Hub.Connection.InvokeAsync(HubMethods.StopReply, "a", "b", Ct).Bounded());

        Assert.Equal("The arguments of SendMessage could not be read. It takes 1 argument(s): a SendMessageRequest object.", wrongType.UserMessage());
        Assert.Equal("The arguments of StopReply could not be read. It takes 1 argument(s): a string.", wrongCount.UserMessage());
        var sent = await device.SendAsync(conversation.Id, "and now a good one");
        await device.Events.Completed(sent.ReplyId);
    }

    [Fact]
    public async Task UnreadableCallsAndRefusedConnectionsAreOneInformationLineEachWithoutAStackTrace()
    {
        var logs = new CapturedLogs();
        await using var server = await ChatServer.StartAsync(
            new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Debug", ["Hub:MaxConnectionsPerUser"] = "1" },
            configure: builder => builder.Logging.AddProvider(logs));
        var user = await server.CreateUserAsync();
        await using var device = await user.ConnectAsync();
        var before = logs.Lines.Count;

        await Assert.ThrowsAsync<HubException>(() => device.Hub.Connection.InvokeAsync<SendMessageResult>(HubMethods.SendMessage, 42, Ct).Bounded());
        await using var socket = await RawHubSocket.ConnectAsync(server.BaseUri, (await server.CreateUserAsync()).AccessToken);
        await socket.SendJsonAsync("{\"type\":99}");
        await socket.WaitClosedAsync();
        await RefusedAsync(user);

        var written = logs.Lines.Skip(before).ToList();
        Assert.DoesNotContain(written, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Warning", StringComparison.Ordinal));
        // The framework's own Debug lines may carry the exception; nothing at Information or above does.
        Assert.DoesNotContain(written, line => !line.StartsWith("Debug", StringComparison.Ordinal) && line.Contains("   at ", StringComparison.Ordinal));
        Assert.Single(written, line => line.StartsWith("Information ChatHub.Chat.Connections.StrictHubProtocol", StringComparison.Ordinal) && line.Contains("SendMessage"));
        Assert.Single(written, line => line.StartsWith("Information ChatHub.Chat.Connections.StrictHubProtocol", StringComparison.Ordinal) && line.Contains("does not know"));
        Assert.Single(written, line => line.StartsWith("Information ChatHub.Chat.Connections.ConnectionCapFilter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConnectionOverTheUsersCapIsClosedWithAReasonTheClientCanRead()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Hub:MaxConnectionsPerUser"] = "3" });
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var devices = new List<Device>();
        for (var i = 0; i < 3; i++) devices.Add(await user.ConnectAsync());

        var refusal = await RefusedAsync(user);
        await using var raw = await RawHubSocket.ConnectAsync(server.BaseUri, user.AccessToken);
        await raw.WaitClosedAsync();

        Assert.Contains(ConnectionCapFilter.TooMany(3), refusal);
        Assert.Contains(ConnectionCapFilter.TooMany(3), raw.Received);
        // The open ones are untouched, and another user has places of their own.
        var sent = await devices[2].SendAsync(conversation.Id, "still here");
        await devices[2].Events.Completed(sent.ReplyId);
        await using var other = await (await server.CreateUserAsync()).ConnectAsync();
        foreach (var device in devices) await device.DisposeAsync();
    }

    [Fact]
    public async Task AConnectionThatEndsGivesItsPlaceBackEvenWhenItIsDroppedWithoutAGoodbye()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Hub:MaxConnectionsPerUser"] = "2" });
        var user = await server.CreateUserAsync();
        await using var kept = await user.ConnectAsync();
        var closed = await user.ConnectAsync();
        await closed.DisposeAsync();

        var afterClose = await ConnectWhenAPlaceIsFreeAsync(user);
        await afterClose.DisposeAsync();
        var dropped = await ConnectRawWhenAPlaceIsFreeAsync(user);
        Assert.Contains(ConnectionCapFilter.TooMany(2), await RefusedAsync(user));
        dropped.Abort();
        await dropped.DisposeAsync();

        // The place of a connection whose socket just vanished comes back too.
        await using var afterDrop = await ConnectWhenAPlaceIsFreeAsync(user);
        Assert.Contains(ConnectionCapFilter.TooMany(2), await RefusedAsync(user));
    }

    /// <summary>A real client whose connection the server closes as it opens; the reason it was given.</summary>
    internal static async Task<string> RefusedAsync(TestUser user, Uri? node = null)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = ChatHubProxy.Create(node ?? user.Server.BaseUri, () => Task.FromResult<string?>(user.AccessToken));
        proxy.Connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        try
        {
            await proxy.StartAsync(Ct).Bounded();
        }
        catch (Exception ex) when (ex is HubException or InvalidOperationException)
        {
            return ex.Message;
        }
        return (await closed.Task.Bounded())?.Message ?? "closed without a reason";
    }

    /// <summary>A place is given back once the server has seen the connection end, a moment after the client did.</summary>
    internal static async Task<Device> ConnectWhenAPlaceIsFreeAsync(TestUser user, Uri? node = null)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bounded.CancelAfter(Timeouts.Event);
        while (true)
        {
            var device = await user.ConnectAsync(node: node);
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            device.Hub.Connection.Closed += _ =>
            {
                open.TrySetCanceled();
                return Task.CompletedTask;
            };
            // A refused connection is closed right after its handshake; one that can call the hub was let in.
            try
            {
                await device.Hub.Connection.InvokeAsync(HubMethods.StopReply, "none", bounded.Token).WaitAsync(Timeouts.Event, bounded.Token);
            }
            catch (HubException refused) when (refused.UserMessage() == "There is no reply in progress with that id.")
            {
                return device;
            }
            catch (Exception) when (!bounded.IsCancellationRequested)
            {
                await device.DisposeAsync();
                await Task.Delay(100, bounded.Token);
            }
        }
    }

    private static async Task<RawHubSocket> ConnectRawWhenAPlaceIsFreeAsync(TestUser user)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bounded.CancelAfter(Timeouts.Event);
        while (true)
        {
            var socket = await RawHubSocket.ConnectAsync(user.Server.BaseUri, user.AccessToken);
            // Let in when it can call the hub; a refused one gets its close message instead.
            try
            {
                await socket.SendJsonAsync("{\"type\":1,\"invocationId\":\"1\",\"target\":\"StopReply\",\"arguments\":[\"none\"]}");
                while (!socket.Received.Contains("\"type\":3", StringComparison.Ordinal) && !socket.Received.Contains("\"type\":7", StringComparison.Ordinal)
                    && await socket.NextFrameAsync() is not null)
                {
                }
                if (socket.Received.Contains("\"type\":3", StringComparison.Ordinal)) return socket;
            }
            catch (WebSocketException)
            {
                // Closed by the server before the call went out: refused.
            }
            await socket.DisposeAsync();
            await Task.Delay(100, bounded.Token);
        }
    }
}
