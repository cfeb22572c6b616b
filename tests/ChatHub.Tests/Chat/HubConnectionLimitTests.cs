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
    public async Task AnUnreadableCallIsOneInformationLineWithoutAStackTrace()
    {
        var logs = new CapturedLogs();
        await using var server = await ChatServer.StartAsync(
            new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Debug" }, configure: builder => builder.Logging.AddProvider(logs));
        var user = await server.CreateUserAsync();
        await using var device = await user.ConnectAsync();
        var before = logs.Lines.Count;

        await Assert.ThrowsAsync<HubException>(() => device.Hub.Connection.InvokeAsync<SendMessageResult>(HubMethods.SendMessage, 42, Ct).Bounded());
        await using var socket = await RawHubSocket.ConnectAsync(server.BaseUri, user.AccessToken);
        await socket.SendJsonAsync("{\"type\":99}");
        await socket.WaitClosedAsync();

        var written = logs.Lines.Skip(before).ToList();
        Assert.DoesNotContain(written, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Warning", StringComparison.Ordinal));
        // The framework's own Debug lines may carry the exception; nothing at Information or above does.
        Assert.DoesNotContain(written, line => !line.StartsWith("Debug", StringComparison.Ordinal) && line.Contains("   at ", StringComparison.Ordinal));
        Assert.Single(written, line => line.StartsWith("Information ChatHub.Chat.Connections.StrictHubProtocol", StringComparison.Ordinal) && line.Contains("SendMessage"));
        Assert.Single(written, line => line.StartsWith("Information ChatHub.Chat.Connections.StrictHubProtocol", StringComparison.Ordinal) && line.Contains("does not know"));
    }
}
