using ChatHub.Contracts;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Observability;
using ChatHub.Tests.ScaleOut;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace ChatHub.Tests.Faults;

/// <summary>
/// One user, two devices watching one conversation: one stops reading its socket (a proxy holds everything the
/// service sends it) while a long reply streams. The other must not wait for it (dotnet/aspnetcore#43093), and what
/// waits for the silent one is bounded: the service closes it, and it takes a snapshot when it comes back.
/// </summary>
public sealed class SlowDeviceTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    // Socket buffers as small as a phone's connection gives, not the megabytes a loopback socket takes in: the
    // service's send buffer and the silent device's receive window are fixed at 64 KB.
    private const int SocketBufferBytes = 64 * 1024;

    // About 1.5 MB in 1,500 pieces over 6 s or more: several times what the silent device's socket buffers, SignalR's
    // pipe and the service's queue for it (Chat:ConnectionQueueBytes, 256 KB) hold together.
    private static readonly string[] LongReply = [.. Enumerable.Range(0, 1500).Select(i => $"{i:D4}{new string('x', 1000)} ")];

    // Chat:ConnectionQueueBytes' default: what may wait for one connection (two devices here, one message more at most).
    private const int QueueLimitBytes = 256 * 1024;

    // The model writes a piece every few milliseconds; a device held up by another waited 10 s before the fix.
    private static readonly TimeSpan OnTime = TimeSpan.FromSeconds(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task ADeviceThatReadsNothingDoesNotHoldUpTheSameUsersOtherDevice() => SilentDeviceAsync(redis: false);

    [Fact]
    public Task WithRedisADeviceThatReadsNothingDoesNotHoldUpTheSameUsersOtherDevice() => SilentDeviceAsync(redis: true);

    private async Task SilentDeviceAsync(bool redis)
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(FakeReply.Tokens(TimeSpan.FromMilliseconds(4), LongReply));
        var settings = redis
            ? new Dictionary<string, string> { ["ConnectionStrings:Redis"] = fixture.Redis.ConnectionString, ["Redis:ChannelPrefix"] = $"test-{Guid.NewGuid():N}" }
            : [];
        // The long reply alone is near a free user's daily token budget; with its title (which counts too) it is past it.
        settings["Quotas:Free:TokensPerDay"] = "10000000";
        var logs = new CapturedLogs();
        await using var server = await ChatServer.StartAsync(settings, configure: b =>
        {
            b.Configuration.AddInMemoryCollection(fake.LlmConfiguration);
            b.Logging.AddProvider(logs);
            // Accepted sockets inherit the listening socket's fixed send buffer.
            b.WebHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
            {
                var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                socket.SendBufferSize = SocketBufferBytes;
                return socket;
            });
        });
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var proxy = FaultProxy.To(server.BaseUri.Port, receiveBufferBytes: SocketBufferBytes);
        await using var silent = await user.ConnectAsync(node: new Uri($"http://{proxy.Endpoint}"));
        await using var other = await user.ConnectAsync();
        await silent.Hub.WatchConversation(conversation.Id).Bounded();
        await other.Hub.WatchConversation(conversation.Id).Bounded();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        silent.Hub.Connection.Closed += _ => Task.FromResult(closed.TrySetResult());
        using var meters = new MeterCapture(server.Services);

        SendMessageResult sent;
        proxy.StallBack();
        try
        {
            sent = await other.SendAsync(conversation.Id, "Tell me a long story");
            var completed = await other.Events.Completed(sent.ReplyId);

            // Every delta, in order, none late: the longest silence between two is the model's, not the other device's.
            var deltas = other.Events.Deltas(sent.ReplyId);
            Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.Seq));
            Assert.Equal(string.Concat(LongReply), completed.Message.Message);
            Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
            var gap = other.Events.LongestGap(sent.ReplyId);
            Assert.True(gap < OnTime, $"the other device waited {gap} between two events of the reply");
            // And its next message is answered at once, though the silent device is told of it too.
            var next = await other.SendAsync(conversation.Id, "And another").WaitAsync(OnTime, Ct);
            await other.Events.Completed(next.ReplyId);

            // What waited for the silent device is bounded: the service closed it, and it alone, instead of keeping it all.
            Assert.Single(logs.Lines, line => line.Contains("Closed hub connection", StringComparison.Ordinal));
            Assert.Equal(1, meters.Sum("characterchat.hub.slow_connections_closed"));
            var queued = meters.Of("characterchat.hub.queued_bytes").Select(m => m.Value).ToList();
            var mostQueued = queued.Select((_, i) => queued.Take(i + 1).Sum()).DefaultIfEmpty().Max();
            Assert.InRange(mostQueued, 1, 2 * QueueLimitBytes);
            Assert.Equal(0, queued.Sum());
        }
        finally
        {
            proxy.Resume();
        }

        // The silent device learns it was closed once it reads again; a new connection starts from the snapshot.
        await closed.Task.Bounded();
        await using var back = await user.ConnectAsync(node: new Uri($"http://{proxy.Endpoint}"));
        var snapshot = await back.Hub.WatchConversation(conversation.Id).Bounded();
        Assert.Equal(string.Concat(LongReply), snapshot.Messages.Single(m => m.Id == sent.ReplyId).Message);
        Assert.Null(snapshot.ActiveReply);
    }
}
