using ChatHub.Contracts;
using ChatHub.Observability;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Observability;

/// <summary>Exact counts per reply, read with a MeterListener scoped to one server's meters.</summary>
public sealed class ReplyMetricsTests
{
    private const string TimeToFirstToken = "characterchat.reply.time_to_first_token";

    [Fact]
    public async Task EachReplyRecordsOneTimeToFirstTokenAndEveryDeltaSent()
    {
        await using var server = await ChatServer.StartAsync();
        using var capture = new MeterCapture(server.Services);
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var first = await device.SendAsync(conversation.Id, "One");
        await device.Events.Completed(first.ReplyId);
        var second = await device.SendAsync(conversation.Id, "Two");
        await device.Events.Completed(second.ReplyId);

        Assert.Equal(2, capture.Of(TimeToFirstToken).Count);
        Assert.Equal(2, capture.Sum("characterchat.messages.received"));
        Assert.Equal(2, capture.Sum("characterchat.replies.started"));
        Assert.Equal(2, capture.Ended(ChatMetrics.Outcomes.Completed));
        Assert.Equal(2, capture.Of("characterchat.reply.deltas_per_second").Count);
        Assert.Equal(device.Events.All<ReplyDelta>().Count, capture.Sum("characterchat.reply.deltas"));
    }

    [Fact]
    public async Task TimeToFirstTokenCountsFromTheMessageReachingTheHub()
    {
        // The pause before the message is stored comes before the reply starts, and still counts: it is what the user waits.
        var pause = TimeSpan.FromMilliseconds(300);
        await using var server = await ChatServer.StartAsync(configure: builder => HookedConversationStore.Register(builder, pause));
        using var capture = new MeterCapture(server.Services);
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var sending = TimeProvider.System.GetTimestamp();
        var sent = await device.SendAsync(conversation.Id, "How long?");
        await device.Events.Delta(sent.ReplyId, 0);
        var seen = TimeProvider.System.GetElapsedTime(sending).TotalMilliseconds;

        var recorded = Assert.Single(capture.Of(TimeToFirstToken)).Value;
        // A timer may fire up to a millisecond early.
        Assert.InRange(recorded, pause.TotalMilliseconds - 1, seen);
    }

    [Fact]
    public async Task ARetriedMessageCountsOnce()
    {
        await using var server = await ChatServer.StartAsync();
        using var capture = new MeterCapture(server.Services);
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(conversation.Id, "Only once", clientMessageId: "retried");
        await device.Events.Completed(sent.ReplyId);
        await device.SendAsync(conversation.Id, "Only once", clientMessageId: "retried");

        Assert.Equal(1, capture.Sum("characterchat.messages.received"));
        Assert.Equal(1, capture.Sum("characterchat.replies.started"));
    }

    [Fact]
    public async Task AStoppedReplyIsCountedAsStopped()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "20" });
        using var capture = new MeterCapture(server.Services);
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(conversation.Id, "Go on and on");
        await device.Events.Delta(sent.ReplyId, 0);
        await device.Hub.StopReply(sent.ReplyId).Bounded();
        await device.Events.Completed(sent.ReplyId);

        Assert.Equal(1, capture.Ended(ChatMetrics.Outcomes.Stopped));
        Assert.Equal(0, capture.Ended(ChatMetrics.Outcomes.Completed));
        Assert.Single(capture.Of(TimeToFirstToken));
    }

    [Fact]
    public async Task AModelThatCannotAnswerCountsAModelFailureAndAFailedReplyWithNoFirstToken()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(TestContext.Current.CancellationToken);
        fake.DefaultReply = FakeReply.Status(500);
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:MaxRetries"] = "0" },
            configure: b => b.Configuration.AddInMemoryCollection(fake.LlmConfiguration));
        using var capture = new MeterCapture(server.Services);
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(conversation.Id, "Anyone?");
        await device.Events.WaitFor<ReplyFailed>(f => f.ReplyId == sent.ReplyId);

        Assert.Equal(1, capture.Sum("characterchat.model.failures"));
        Assert.Equal(1, capture.Ended(ChatMetrics.Outcomes.Failed));
        Assert.Empty(capture.Of(TimeToFirstToken));
    }

    [Fact]
    public async Task TheConnectionCountFollowsConnectionsOpeningAndClosing()
    {
        await using var server = await ChatServer.StartAsync();
        using var capture = new MeterCapture(server.Services);
        var user = await server.CreateUserAsync();

        double Open() => capture.Sum("characterchat.hub.connections");

        // The server counts a connection just after its handshake answer and a close a moment after the client's, hence the waits.
        var phone = await user.ConnectAsync();
        await using (var laptop = await user.ConnectAsync())
        {
            await RedisProcess.WaitUntilAsync(() => Open() == 2);
        }
        await RedisProcess.WaitUntilAsync(() => Open() == 1);
        await phone.DisposeAsync();
        await RedisProcess.WaitUntilAsync(() => Open() == 0);

        Assert.Equal(4, capture.Of("characterchat.hub.connections").Count);
    }
}
