using ChatHub.Contracts;
using ChatHub.Tests.ScaleOut;
using ChatHub.Tests.Support;
using StackExchange.Redis;

namespace ChatHub.Tests.Faults;

/// <summary>Redis that answers late, not at all, or drops its connections, between a node and a real redis-server.</summary>
public sealed class RedisFaultTests(RedisFixture fixture) : IClassFixture<RedisFixture>
{
    private readonly string _prefix = $"test-{Guid.NewGuid():N}";

    private async Task<(ChatServer Node, FaultProxy Proxy)> NodeBehindProxyAsync(int tokensPerSecond = 200, Dictionary<string, string>? extra = null)
    {
        var proxy = FaultProxy.To(fixture.Redis.Port);
        var node = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = proxy.Endpoint,
            ["Redis:ChannelPrefix"] = _prefix,
            ["Redis:ReplyLease"] = "00:00:02",
            ["Redis:CommandTimeout"] = "00:00:00.5",
            ["Llm:Simulated:TokensPerSecond"] = tokensPerSecond.ToString(),
        }.Concat(extra ?? []).ToDictionary());
        return (node, proxy);
    }

    /// <summary>A node behind the proxy, a user of it, a conversation and one device connected.</summary>
    private sealed record Rig(ChatServer Node, FaultProxy Proxy, TestUser User, ConversationDto Conversation, Device Device) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Device.DisposeAsync();
            await Proxy.DisposeAsync();
            await Node.DisposeAsync();
        }
    }

    private async Task<Rig> RigAsync(int tokensPerSecond = 200)
    {
        var (node, proxy) = await NodeBehindProxyAsync(tokensPerSecond);
        var user = await node.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        return new Rig(node, proxy, user, conversation, await user.ConnectAsync());
    }

    [Fact]
    public async Task AfterRedisStallsAndComesBackTheConversationTakesMessagesAgain()
    {
        await using var rig = await RigAsync();
        var (proxy, user, conversation, device) = (rig.Proxy, rig.User, rig.Conversation, rig.Device);
        var before = await device.SendAsync(conversation.Id, "Before the stall");
        await device.Events.Completed(before.ReplyId);

        proxy.Stall();
        SendMessageResult during;
        try
        {
            // A stalled Redis is a Redis that is not there: the node answers alone.
            during = await device.SendAsync(conversation.Id, "During the stall");
            await device.Events.Completed(during.ReplyId);
        }
        finally
        {
            proxy.Resume();
        }

        var after = await device.SendAsync(conversation.Id, "After the stall");
        var completed = await device.Events.Completed(after.ReplyId);
        Assert.Equal(MessageValues.StatusComplete, completed.Message.Status);
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([before.UserMessageId, before.ReplyId, during.UserMessageId, during.ReplyId, after.UserMessageId, after.ReplyId], stored.Select(m => m.Id));
        Assert.Empty(device.Events.All<ReplyFailed>());
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        await RedisProcess.WaitUntilAsync(() => !redis.GetDatabase().KeyExists($"{_prefix}:conv:{conversation.Id}"));
    }

    [Fact]
    public async Task WhenRedisResetsItsConnectionsRepliesGoOnAndNothingIsLeftHeld()
    {
        await using var rig = await RigAsync(tokensPerSecond: 40);
        var (proxy, user, conversation, device) = (rig.Proxy, rig.User, rig.Conversation, rig.Device);

        var sent = await device.SendAsync(conversation.Id, "Talk through the reset");
        await device.Events.Delta(sent.ReplyId, 2);
        proxy.ResetAll();
        var completed = await device.Events.Completed(sent.ReplyId);

        var deltas = device.Events.Deltas(sent.ReplyId);
        Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.Seq));
        Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
        var next = await device.SendAsync(conversation.Id, "And again");
        await device.Events.Completed(next.ReplyId);
    }

    [Fact]
    public async Task WithRedisBlackholedSendsAreAnsweredAndRepliesComplete()
    {
        await using var rig = await RigAsync();
        var (proxy, user, conversation, device) = (rig.Proxy, rig.User, rig.Conversation, rig.Device);

        proxy.Blackhole = true;
        var first = await device.SendAsync(conversation.Id, "Into the void");
        await device.Events.Completed(first.ReplyId);
        var second = await device.SendAsync(conversation.Id, "Still here");
        var completed = await device.Events.Completed(second.ReplyId);

        Assert.Equal(MessageValues.StatusComplete, completed.Message.Status);
        Assert.Equal(4, (await user.MessagesAsync(conversation.Id)).Count);
    }

    [Fact]
    public async Task FiftySessionsWithRedisAt200MsACommandAllGetWholeReplies()
    {
        // Five users with ten devices each: fifty sessions at once, without fifty password hashes.
        var (node, proxy) = await NodeBehindProxyAsync(extra: new() { ["Quotas:Free:ConcurrentReplies"] = "10", ["Quotas:Free:MessagesPerMinute"] = "100" });
        await using var _ = node;
        await using var __ = proxy;
        var users = new List<TestUser>();
        for (var i = 0; i < 5; i++) users.Add(await node.CreateUserAsync());
        proxy.Latency = TimeSpan.FromMilliseconds(200);

        await Task.WhenAll(users.SelectMany(user => Enumerable.Repeat(user, 10)).Select(async user =>
        {
            var conversation = await user.CreateConversationAsync();
            await using var device = await user.ConnectAsync();
            var sent = await device.SendAsync(conversation.Id, "Slowly now");
            var completed = await device.Events.Completed(sent.ReplyId);
            var deltas = device.Events.Deltas(sent.ReplyId);
            Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.Seq));
            Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
            Assert.Equal(MessageValues.StatusComplete, completed.Message.Status);
            Assert.Equal([sent.UserMessageId, sent.ReplyId], (await user.MessagesAsync(conversation.Id)).Select(m => m.Id));
        }));
    }
}
