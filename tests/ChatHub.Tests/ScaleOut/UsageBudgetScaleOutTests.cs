using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Tests.ScaleOut;

/// <summary>A token budget holds across two nodes sharing one redis-server, before either node has stored its totals.</summary>
public sealed class UsageBudgetScaleOutTests(RedisFixture fixture) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private const int Budget = 1500;

    private readonly string _dataDir = Directory.CreateTempSubdirectory("chathub-cluster-").FullName;
    private readonly List<ChatServer> _nodes = [];

    private async Task<ChatServer> NodeAsync(string prefix)
    {
        var node = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = fixture.Redis.ConnectionString,
            ["Redis:ChannelPrefix"] = prefix,
            ["Quotas:Free:TokensPerDay"] = Budget.ToString(),
            ["Quotas:Free:ConcurrentReplies"] = "2",
            // The store's totals would come an hour late: only the shared live counter can keep the budget.
            ["Usage:FlushSeconds"] = "3600",
        }, dataDir: _dataDir);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task RepliesOnTwoNodesAtOnceNeverOverspendByMoreThanTheRepliesAlreadyRunning()
    {
        var prefix = $"test-{Guid.NewGuid():N}";
        var (a, b) = (await NodeAsync(prefix), await NodeAsync(prefix));
        var user = await a.CreateUserAsync();
        var (onA, onB) = (await user.CreateConversationAsync(), await user.CreateConversationAsync());
        await using var phone = await user.ConnectAsync();
        await using var laptop = await user.ConnectAsync(node: b.BaseUri);

        long spent = 0;
        var rounds = 0;
        for (; rounds < 30; rounds++)
        {
            // Both messages go at once, one to each node: each node's check sees every reply ended so far.
            var sends = await Task.WhenAll(TrySendAsync(phone, onA.Id, rounds), TrySendAsync(laptop, onB.Id, rounds));
            var accepted = sends.Where(s => s.Sent is not null).ToList();
            Assert.Equal(spent < Budget ? 2 : 0, accepted.Count);
            if (accepted.Count == 0) break;
            var completed = await Task.WhenAll(accepted.Select(s => s.Device.Events.Completed(s.Sent!.ReplyId)));
            spent += completed.Sum(c => (long)c.Message.Usage!.PromptTokens + c.Message.Usage.CompletionTokens);
        }

        Assert.InRange(rounds, 2, 29);
        Assert.True(spent >= Budget, $"spent {spent} of {Budget}");
    }

    private static async Task<(Device Device, SendMessageResult? Sent)> TrySendAsync(Device device, string conversationId, int round)
    {
        try
        {
            return (device, await device.SendAsync(conversationId, $"Round {round}: tell me more"));
        }
        catch (HubException ex) when (ex.Message.Contains("budget"))
        {
            return (device, null);
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a pooled SQLite handle may hold the file for a moment
        }
    }
}
