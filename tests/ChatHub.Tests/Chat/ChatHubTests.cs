using Microsoft.AspNetCore.SignalR;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

/// <summary>The hub end to end: real Kestrel, the real SignalR client over WebSockets, the typed proxy.</summary>
public sealed class ChatHubTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;

    [Fact]
    public async Task AReplyStreamsInOrderToEveryDeviceWatchingTheConversation()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        await using var laptop = await user.ConnectAsync();
        var snapshot = await laptop.Hub.WatchConversation(conversation.Id).Bounded();
        Assert.All(snapshot.Messages, m => Assert.True(TestUser.IsGreeting(m)));
        Assert.Null(snapshot.ActiveReply);

        var sent = await phone.SendAsync(conversation.Id, "Who stole the pearl?");

        foreach (var device in new[] { phone, laptop })
        {
            var started = await device.Events.WaitFor<ReplyStarted>(r => r.ReplyId == sent.ReplyId);
            Assert.Equal(sent.UserMessageId, started.InReplyTo);
            var completed = await device.Events.Completed(sent.ReplyId);
            var deltas = device.Events.Deltas(sent.ReplyId);
            Assert.True(deltas.Count > 1, "the reply should arrive in several deltas");
            Assert.Equal(Enumerable.Range(0, deltas.Count), deltas.Select(d => d.Seq));
            Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
            Assert.Equal(MessageValues.StatusComplete, completed.Message.Status);
            Assert.Equal(sent.UserMessageId, completed.Message.InReplyTo);
        }

        var appended = await laptop.Events.WaitFor<MessageAppended>();
        Assert.Equal(sent.UserMessageId, appended.Message.Id);
        Assert.Equal("Who stole the pearl?", appended.Message.Message);
        Assert.Empty(phone.Events.All<MessageAppended>());

        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([sent.UserMessageId, sent.ReplyId], stored.Select(m => m.Id));
        Assert.Equal((await phone.Events.Completed(sent.ReplyId)).Message, stored[1]);
    }

    [Fact]
    public async Task SendingTheSameClientMessageIdTwiceAppendsOnceAndReturnsTheSameIds()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var clientId = Guid.NewGuid().ToString();

        var first = await device.SendAsync(conversation.Id, "Hello there", clientId);
        var whileReplying = await device.SendAsync(conversation.Id, "Hello there", clientId);
        await device.Events.Completed(first.ReplyId);
        await using var otherDevice = await user.ConnectAsync();
        var afterReply = await otherDevice.SendAsync(conversation.Id, "Hello there", clientId);

        Assert.Equal(first, whileReplying);
        Assert.Equal(first, afterReply);
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([first.UserMessageId, first.ReplyId], stored.Select(m => m.Id));
        Assert.Single(device.Events.All<ReplyStarted>());
    }

    [Fact]
    public async Task WatchingMidReplyGivesTheTextSoFarAndTheRestArrivesWithoutGapsOrDoubles()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "40" });
        var user = await slow.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        var sent = await phone.SendAsync(conversation.Id, "Tell me a long story");
        await phone.Events.Delta(sent.ReplyId, 3);

        await using var laptop = await user.ConnectAsync();
        var snapshot = await laptop.Hub.WatchConversation(conversation.Id).Bounded();
        var completed = await laptop.Events.Completed(sent.ReplyId);

        var active = Assert.IsType<ActiveReply>(snapshot.ActiveReply);
        Assert.Equal(sent.ReplyId, active.ReplyId);
        Assert.True(active.Seq >= 3);
        Assert.Equal([sent.UserMessageId], snapshot.Messages.Where(m => !TestUser.IsGreeting(m)).Select(m => m.Id));
        var later = laptop.Events.Deltas(sent.ReplyId).Where(d => d.Seq > active.Seq).ToList();
        Assert.Equal(Enumerable.Range(active.Seq + 1, later.Count), later.Select(d => d.Seq));
        Assert.Equal(completed.Message.Message, active.Text + string.Concat(later.Select(d => d.Text)));
    }

    [Fact]
    public async Task StopReplyEndsTheReplyAndKeepsItsPartialTextMarkedStopped()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "20" });
        var user = await slow.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var phone = await user.ConnectAsync();
        await using var laptop = await user.ConnectAsync();
        await laptop.Hub.WatchConversation(conversation.Id).Bounded();
        var sent = await phone.SendAsync(conversation.Id, "Describe London in detail");
        await phone.Events.Delta(sent.ReplyId, 1);

        await laptop.Hub.StopReply(sent.ReplyId).Bounded();

        var completed = await phone.Events.Completed(sent.ReplyId);
        Assert.Equal(MessageValues.StatusStopped, completed.Message.Status);
        Assert.Equal(string.Concat(phone.Events.Deltas(sent.ReplyId).Select(d => d.Text)), completed.Message.Message);
        Assert.NotEmpty(completed.Message.Message);
        var full = await ReferenceReplyAsync(user, conversation.CharacterId, "Describe London in detail");
        Assert.True(completed.Message.Message.Length < full.Length, "a stopped reply is shorter than the whole one");
        Assert.Equal(completed.Message, (await laptop.Events.Completed(sent.ReplyId)).Message);
        Assert.Equal(completed.Message, (await user.MessagesAsync(conversation.Id))[^1]);

        var error = await Assert.ThrowsAsync<HubException>(() => laptop.Hub.StopReply(sent.ReplyId).Bounded());
        Assert.Contains("no reply in progress", error.UserMessage());
    }

    [Fact]
    public async Task ASecondMessageWhileTheReplyIsStreamingIsRefusedAndNotStored()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "20" });
        var user = await slow.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var first = await device.SendAsync(conversation.Id, "First question");

        var error = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "Second question"));

        Assert.Contains("still replying", error.UserMessage());
        await device.Hub.StopReply(first.ReplyId).Bounded();
        await device.Events.Completed(first.ReplyId);
        Assert.Equal([first.UserMessageId, first.ReplyId], (await user.MessagesAsync(conversation.Id)).Select(m => m.Id));
    }

    [Fact]
    public async Task RepliesInFlightPerUserAreBounded()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Llm:Simulated:TokensPerSecond"] = "20",
            ["Quotas:Free:ConcurrentReplies"] = "2",
        });
        var user = await slow.CreateUserAsync();
        var conversations = new[] { await user.CreateConversationAsync(), await user.CreateConversationAsync(), await user.CreateConversationAsync() };
        await using var device = await user.ConnectAsync();
        var first = await device.SendAsync(conversations[0].Id, "one");
        await device.SendAsync(conversations[1].Id, "two");

        var error = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversations[2].Id, "three"));

        Assert.Contains("2 replies in progress", error.UserMessage());
        Assert.Empty(await user.MessagesAsync(conversations[2].Id));
        var otherUser = await slow.CreateUserAsync();
        await using var otherDevice = await otherUser.ConnectAsync();
        var others = await otherDevice.SendAsync((await otherUser.CreateConversationAsync()).Id, "mine");
        await otherDevice.Events.WaitFor<ReplyStarted>(r => r.ReplyId == others.ReplyId);
        await device.Hub.StopReply(first.ReplyId).Bounded();
        await device.Events.Completed(first.ReplyId);
        var third = await device.SendAsync(conversations[2].Id, "three");
        await device.Events.WaitFor<ReplyStarted>(r => r.ReplyId == third.ReplyId);
    }

    [Fact]
    public async Task DeletingTheConversationMidReplyEndsTheReplyAndStoresNothing()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "20" });
        var user = await slow.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var sent = await device.SendAsync(conversation.Id, "Talk for a while");
        await device.Events.Delta(sent.ReplyId, 1);

        using var http = user.Http();
        (await http.DeleteAsync(Routes.Conversation(conversation.Id), TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

        var failed = await device.Events.WaitFor<ReplyFailed>(r => r.ReplyId == sent.ReplyId);
        Assert.Equal("The conversation was deleted.", failed.Error);
        Assert.Empty(device.Events.All<ReplyCompleted>());
        // This connection checked the conversation before; the deletion still counts.
        var refused = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "Anyone there?"));
        Assert.Equal("There is no conversation with that id.", refused.UserMessage());
        var another = await user.CreateConversationAsync();
        var next = await device.SendAsync(another.Id, "Still there?");
        await device.Events.Completed(next.ReplyId);
    }

    [Fact]
    public async Task MessagePackClientsGetTheSameStream()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync(HubProtocol.MessagePack);

        var sent = await device.SendAsync(conversation.Id, "Hi over MessagePack");
        var completed = await device.Events.Completed(sent.ReplyId);

        Assert.Equal(completed.Message.Message, string.Concat(device.Events.Deltas(sent.ReplyId).Select(d => d.Text)));
        var snapshot = await device.Hub.WatchConversation(conversation.Id).Bounded();
        Assert.Equal([sent.UserMessageId, sent.ReplyId], snapshot.Messages.Where(m => !TestUser.IsGreeting(m)).Select(m => m.Id));
    }

    /// <summary>The whole reply the simulated model gives to this message, from a conversation of its own.</summary>
    private static async Task<string> ReferenceReplyAsync(TestUser user, string characterId, string text)
    {
        var conversation = await user.CreateConversationAsync(characterId);
        await using var device = await user.ConnectAsync();
        var sent = await device.SendAsync(conversation.Id, text);
        return (await device.Events.Completed(sent.ReplyId)).Message.Message;
    }
}
