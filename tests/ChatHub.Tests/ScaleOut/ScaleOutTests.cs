using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatHub.Tests.ScaleOut;

public sealed class RedisFixture : IAsyncLifetime
{
    public RedisProcess Redis { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Redis = await RedisProcess.StartAsync();

    public async ValueTask DisposeAsync() => await Redis.DisposeAsync();
}

/// <summary>Several nodes sharing one SQLite file (WAL) and one real redis-server, driven through the typed proxy.</summary>
public sealed class ScaleOutTests(RedisFixture fixture) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("chathub-cluster-").FullName;
    private readonly string _prefix = $"test-{Guid.NewGuid():N}";
    private readonly List<IAsyncDisposable> _nodes = [];

    private Dictionary<string, string> Settings(int tokensPerSecond) => new()
    {
        ["DataDir"] = _dataDir,
        ["ConnectionStrings:Redis"] = fixture.Redis.ConnectionString,
        ["Redis:ChannelPrefix"] = _prefix,
        ["Redis:ReplyLease"] = "00:00:02",
        ["Llm:Simulated:TimeToFirstTokenMs"] = "20",
        ["Llm:Simulated:TokensPerSecond"] = tokensPerSecond.ToString(),
    };

    private async Task<ChatServer> NodeAsync(int tokensPerSecond = 200, Dictionary<string, string>? extra = null)
    {
        var settings = Settings(tokensPerSecond);
        foreach (var (key, value) in extra ?? []) settings[key] = value;
        var node = await ChatServer.StartAsync(settings, dataDir: _dataDir);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task ADeviceOnAnotherNodeGetsTheWholeStreamInOrder()
    {
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var user = await a.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        await using var laptop = await user.ConnectAsync(node: b.BaseUri);
        await laptop.Hub.WatchConversation(conversation.Id).Bounded();

        var sent = await phone.SendAsync(conversation.Id, "Across the cluster");

        var appended = await laptop.Events.WaitFor<MessageAppended>();
        Assert.Equal(sent.UserMessageId, appended.Message.Id);
        var completed = await laptop.Events.Completed(sent.ReplyId);
        var deltas = laptop.Events.Deltas(sent.ReplyId);
        Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.Seq));
        Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
        Assert.Equal(completed.Message, (await phone.Events.Completed(sent.ReplyId)).Message);
    }

    [Fact]
    public async Task WatchingMidReplyOnAnotherNodeContinuesExactly()
    {
        var (a, b) = (await NodeAsync(40), await NodeAsync(40));
        var user = await a.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        var sent = await phone.SendAsync(conversation.Id, "A long tale, please");
        await phone.Events.Delta(sent.ReplyId, 3);

        await using var laptop = await user.ConnectAsync(node: b.BaseUri);
        var snapshot = await laptop.Hub.WatchConversation(conversation.Id).Bounded();
        var completed = await laptop.Events.Completed(sent.ReplyId);

        var active = Assert.IsType<ActiveReply>(snapshot.ActiveReply);
        Assert.True(active.Seq >= 3);
        var later = laptop.Events.Deltas(sent.ReplyId).Where(d => d.Seq > active.Seq).ToList();
        Assert.Equal(Enumerable.Range(active.Seq + 1, later.Count), later.Select(d => d.Seq));
        Assert.Equal(completed.Message.Message, active.Text + string.Concat(later.Select(d => d.Text)));
    }

    [Fact]
    public async Task StopReplySentToAnyNodeStopsTheReplyAndOneReplyRunsPerConversation()
    {
        var (a, b) = (await NodeAsync(20), await NodeAsync(20));
        var user = await a.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        await using var laptop = await user.ConnectAsync(node: b.BaseUri);
        var clientId = Guid.NewGuid().ToString();
        var sent = await phone.SendAsync(conversation.Id, "Go on and on", clientId);
        await phone.Events.Delta(sent.ReplyId, 1);

        var busy = await Assert.ThrowsAsync<HubException>(() => laptop.SendAsync(conversation.Id, "Me too"));
        var resent = await laptop.SendAsync(conversation.Id, "Go on and on", clientId);
        await laptop.Hub.StopReply(sent.ReplyId).Bounded();

        Assert.Contains("still replying", busy.UserMessage());
        Assert.Equal(sent, resent);
        var completed = await phone.Events.Completed(sent.ReplyId);
        Assert.Equal(MessageValues.StatusStopped, completed.Message.Status);
        Assert.Equal([sent.UserMessageId, sent.ReplyId], (await user.MessagesAsync(conversation.Id)).Select(m => m.Id));
    }

    [Fact]
    public async Task TheMessageRateLimitCountsAcrossNodes()
    {
        var limit = new Dictionary<string, string> { ["Quotas:Free:MessagesPerMinute"] = "2" };
        var (a, b) = (await NodeAsync(extra: limit), await NodeAsync(extra: limit));
        var user = await a.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        await using var laptop = await user.ConnectAsync(node: b.BaseUri);

        var first = await phone.SendAsync(conversation.Id, "one");
        await phone.Events.Completed(first.ReplyId);
        var second = await laptop.SendAsync(conversation.Id, "two");
        await laptop.Events.Completed(second.ReplyId);
        var third = await Assert.ThrowsAsync<HubException>(() => phone.SendAsync(conversation.Id, "three"));

        Assert.StartsWith("You are sending messages too fast.", third.UserMessage());
        Assert.Equal(4, (await user.MessagesAsync(conversation.Id)).Count);
    }

    [Fact]
    public async Task WhenANodeIsKilledMidReplyWatchersElsewhereGetReplyFailedAndThePartialIsStoredOnce()
    {
        var b = await NodeAsync();
        var settings = Settings(10);
        settings["Logging:LogLevel:Default"] = "Warning";
        var a = await NodeProcess.StartAsync(settings);
        _nodes.Add(a);
        var user = await b.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync(node: a.BaseUri);
        await using var laptop = await user.ConnectAsync();
        await laptop.Hub.WatchConversation(conversation.Id).Bounded();
        var sent = await phone.SendAsync(conversation.Id, "Keep talking");
        await laptop.Events.Delta(sent.ReplyId, 2);

        await a.KillAsync();

        var failed = await laptop.Events.WaitFor<ReplyFailed>(r => r.ReplyId == sent.ReplyId);
        var seen = string.Concat(laptop.Events.Deltas(sent.ReplyId).Select(d => d.Text));
        Assert.StartsWith(seen, failed.PartialText);
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([sent.UserMessageId, sent.ReplyId], stored.Select(m => m.Id));
        Assert.Equal(MessageValues.StatusFailed, stored[1].Status);
        Assert.Equal(failed.PartialText, stored[1].Message);
        var next = await laptop.SendAsync(conversation.Id, "Are you back?");
        await laptop.Events.Completed(next.ReplyId);
    }

    [Fact]
    public async Task WithoutRedisANodeServesItsOwnConnectionsAndRecoversWhenRedisReturns()
    {
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var user = await a.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        using var http = a.CreateHttpClient();

        await fixture.Redis.StopAsync();
        try
        {
            await RedisProcess.WaitUntilAsync(() => http.GetStringAsync(Routes.HealthReady).GetAwaiter().GetResult() == "Degraded");
            var alone = await phone.SendAsync(conversation.Id, "Anyone there?");
            var completed = await phone.Events.Completed(alone.ReplyId);
            Assert.Equal(completed.Message.Message, string.Concat(phone.Events.Deltas(alone.ReplyId).Select(d => d.Text)));
        }
        finally
        {
            await fixture.Redis.RestartAsync();
        }

        using var httpB = b.CreateHttpClient();
        foreach (var node in new[] { http, httpB })
        {
            await RedisProcess.WaitUntilAsync(() => node.GetStringAsync(Routes.HealthReady).GetAwaiter().GetResult() == "Healthy");
        }
        await using var laptop = await user.ConnectAsync(node: b.BaseUri);
        await laptop.Hub.WatchConversation(conversation.Id).Bounded();
        var sent = await phone.SendAsync(conversation.Id, "And now across nodes again");
        var across = await laptop.Events.Completed(sent.ReplyId);
        Assert.Equal(across.Message.Message, string.Concat(laptop.Events.Deltas(sent.ReplyId).Select(d => d.Text)));
    }

    [Fact]
    public async Task EndingAUsersSessionsOnOneNodeClosesTheirConnectionsOnEveryNodeAtOnce()
    {
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var user = await a.CreateUserAsync();
        var bystander = await a.CreateUserAsync();
        var (laptop, closed) = await user.ConnectWatchingCloseAsync(node: b.BaseUri);
        await using var _ = laptop;
        await using var other = await bystander.ConnectAsync(node: b.BaseUri);
        using var http = user.Http();

        var change = await http.PostAsJsonAsync(Routes.MyPassword,
            new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = "a brand new passphrase" }, TestContext.Current.CancellationToken);

        change.EnsureSuccessStatusCode();
        Assert.Equal(SessionEndReasons.PasswordChanged, (await laptop.Events.WaitFor<SessionEnded>()).Reason);
        await closed.Bounded();
        Assert.Equal(HubConnectionState.Connected, other.Hub.Connection.State);
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
            // best effort: a killed node may have left a handle behind for a moment
        }
    }
}
