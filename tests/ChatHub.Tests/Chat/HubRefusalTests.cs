using System.Net.WebSockets;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatHub.Tests.Chat;

/// <summary>Every bad input gets a clear HubException, writes nothing, and leaves the connection usable.</summary>
public sealed class HubRefusalTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;

    public static TheoryData<string, int, string> BadMessages => new()
    {
        { "empty", 0, "The message is empty." },
        { "whitespace", 0, "The message is empty." },
        { "one over the limit", 16_001, "The message is too long: at most 16,000 characters are allowed." },
        { "200,000 characters", 200_000, "The message is too long: at most 16,000 characters are allowed." },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public async Task ABadMessageIsRefusedAndNothingIsWritten(string kind, int length, string expected)
    {
        var (user, conversation, device) = await StartAsync();
        var text = kind == "whitespace" ? " \t\n " : new string('x', length);

        var error = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, text));

        Assert.Equal(expected, error.UserMessage());
        await AssertUsableAndNothingWrittenAsync(user, conversation.Id, device);
    }

    [Theory]
    [InlineData("not-an-id", "The conversation id is not valid.")]
    [InlineData("", "The conversation id is not valid.")]
    [InlineData("0123456789abcdef01234567", "There is no conversation with that id.")]
    public async Task AnUnknownOrMalformedConversationIsRefused(string conversationId, string expected)
    {
        var (user, conversation, device) = await StartAsync();

        var send = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversationId, "hello"));
        var watch = await Assert.ThrowsAsync<HubException>(() => device.Hub.WatchConversation(conversationId).Bounded());

        Assert.Equal(expected, send.UserMessage());
        Assert.Equal(expected, watch.UserMessage());
        await AssertUsableAndNothingWrittenAsync(user, conversation.Id, device);
    }

    [Fact]
    public async Task AMissingClientMessageIdIsRefused()
    {
        var (user, conversation, device) = await StartAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "hello", clientMessageId: ""));

        Assert.Contains("clientMessageId is required", error.UserMessage());
        await AssertUsableAndNothingWrittenAsync(user, conversation.Id, device);
    }

    [Fact]
    public async Task AnotherUsersConversationLooksLikeOneThatDoesNotExist()
    {
        var (owner, conversation, ownerDevice) = await StartAsync();
        var sent = await ownerDevice.SendAsync(conversation.Id, "my secret");
        var intruder = await Server.CreateUserAsync();
        await using var intruderDevice = await intruder.ConnectAsync();

        var send = await Assert.ThrowsAsync<HubException>(() => intruderDevice.SendAsync(conversation.Id, "let me in"));
        var watch = await Assert.ThrowsAsync<HubException>(() => intruderDevice.Hub.WatchConversation(conversation.Id).Bounded());
        var stop = await Assert.ThrowsAsync<HubException>(() => intruderDevice.Hub.StopReply(sent.ReplyId).Bounded());

        Assert.Equal("There is no conversation with that id.", send.UserMessage());
        Assert.Equal("There is no conversation with that id.", watch.UserMessage());
        Assert.Equal("There is no reply in progress with that id.", stop.UserMessage());
        var completed = await ownerDevice.Events.Completed(sent.ReplyId);
        Assert.Equal(MessageValues.StatusComplete, completed.Message.Status);
        Assert.Empty(intruderDevice.Events.All<ReplyDelta>());
        Assert.Equal([sent.UserMessageId, sent.ReplyId], (await owner.MessagesAsync(conversation.Id)).Select(m => m.Id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-token")]
    [InlineData("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI2NzQwYTEwMDAwMDAwMDAwMDAwMDAwMDEifQ.c2lnbmF0dXJlLWJ5LXNvbWVvbmUtZWxzZQ")]
    public async Task TheHubRefusesAConnectionWithoutAValidToken(string? token)
    {
        await using var proxy = ChatHubProxy.Create(Server.BaseUri, () => Task.FromResult(token));

        // Over WebSockets without negotiation the refusal is the upgrade's status code.
        var error = await Assert.ThrowsAsync<WebSocketException>(() => proxy.StartAsync(TestContext.Current.CancellationToken).Bounded());

        Assert.Contains("'401'", error.Message);
        Assert.Equal(HubConnectionState.Disconnected, proxy.Connection.State);
    }

    private async Task<(TestUser User, ConversationDto Conversation, Device Device)> StartAsync()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var device = await user.ConnectAsync();
        return (user, conversation, device);
    }

    private static async Task AssertUsableAndNothingWrittenAsync(TestUser user, string conversationId, Device device)
    {
        Assert.Empty(await user.MessagesAsync(conversationId));
        Assert.Equal(HubConnectionState.Connected, device.Hub.Connection.State);
        var sent = await device.SendAsync(conversationId, "and now a good one");
        await device.Events.Completed(sent.ReplyId);
        await device.DisposeAsync();
    }
}
