using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Tests.Chat;

/// <summary>
/// Regenerate, edit, continue, select and delete through the typed proxy over real Kestrel: what the caller
/// gets back, what every device watching hears, what all of the user's devices hear, and what is stored.
/// </summary>
public sealed class ConversationTreeHubTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;

    [Fact]
    public async Task ARegeneratedReplyStreamsToEveryDeviceAsAnAlternativeAndBecomesTheActiveBranch()
    {
        var (user, conversation, phone, laptop) = await TwoDevicesAsync(Server);
        await using var _ = phone;
        await using var __ = laptop;
        await using var sidebar = await user.ConnectAsync();
        var first = await ExchangeAsync(phone, conversation.Id, "Who stole the pearl?");
        var requestId = Guid.NewGuid().ToString();

        var regenerated = await phone.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = first.ReplyId, ClientRequestId = requestId }).Bounded();

        Assert.NotEqual(first.ReplyId, regenerated.ReplyId);
        foreach (var device in new[] { phone, laptop })
        {
            var started = await device.Events.WaitFor<ReplyStarted>(r => r.ReplyId == regenerated.ReplyId);
            Assert.Equal(first.UserMessageId, started.InReplyTo);
            var completed = await device.Events.Completed(regenerated.ReplyId);
            Assert.Equal(string.Concat(device.Events.Deltas(regenerated.ReplyId).Select(d => d.Text)), completed.Message.Message);
            Assert.Equal((first.UserMessageId, 1, 2), (completed.Message.ParentId, completed.Message.SiblingIndex, completed.Message.SiblingCount));
        }
        var updated = await sidebar.Events.WaitFor<ConversationUpdated>(u => u.Conversation.LeafId == regenerated.ReplyId);
        Assert.Equal(conversation.Id, updated.Conversation.Id);
        Assert.Equal(MessageValues.SenderAi, updated.Conversation.LastMessage?.Sender);

        var again = await laptop.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = first.ReplyId, ClientRequestId = requestId }).Bounded();
        Assert.Equal(regenerated, again);
        Assert.Single(phone.Events.All<ReplyStarted>(), r => r.ReplyId == regenerated.ReplyId);
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([first.UserMessageId, regenerated.ReplyId], stored.TakeLast(2).Select(m => m.Id));
        var alternatives = await AlternativesAsync(user, conversation.Id, first.ReplyId);
        Assert.Equal([first.ReplyId, regenerated.ReplyId], alternatives.Select(m => m.Id));
        Assert.Equal([0, 1], alternatives.Select(m => m.SiblingIndex));
    }

    [Fact]
    public async Task EditingAUserMessageStartsABranchBesideItThatGetsItsOwnReply()
    {
        var (user, conversation, phone, laptop) = await TwoDevicesAsync(Server);
        await using var _ = phone;
        await using var __ = laptop;
        var first = await ExchangeAsync(phone, conversation.Id, "Tell me about Gotham.");
        var second = await ExchangeAsync(phone, conversation.Id, "And the Joker?");
        var clientId = Guid.NewGuid().ToString();
        var request = new EditMessageRequest { ConversationId = conversation.Id, MessageId = second.UserMessageId, Message = "And Catwoman?", ClientMessageId = clientId };

        var edited = await phone.Hub.EditMessage(request).Bounded();

        Assert.Null(edited.MessageId);
        var appended = await laptop.Events.WaitFor<MessageAppended>(m => m.Message.Id == edited.UserMessageId);
        Assert.Equal(("And Catwoman?", first.ReplyId, 1, 2), (appended.Message.Message, appended.Message.ParentId, appended.Message.SiblingIndex, appended.Message.SiblingCount));
        var reply = await laptop.Events.Completed(edited.ReplyId!);
        Assert.Equal(edited.UserMessageId, reply.Message.InReplyTo);
        Assert.Equal(edited, await laptop.Hub.EditMessage(request).Bounded());
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([first.UserMessageId, first.ReplyId, edited.UserMessageId, edited.ReplyId], stored.TakeLast(4).Select(m => m.Id));
        Assert.DoesNotContain(stored, m => m.Id == second.UserMessageId || m.Id == second.ReplyId);
    }

    [Fact]
    public async Task EditingACharactersMessageReplacesItsTextInPlaceForEveryDevice()
    {
        var (user, conversation, phone, laptop) = await TwoDevicesAsync(Server);
        await using var _ = phone;
        await using var __ = laptop;
        var sent = await ExchangeAsync(phone, conversation.Id, "Say something.");

        var edited = await phone.Hub.EditMessage(new EditMessageRequest
        {
            ConversationId = conversation.Id, MessageId = sent.ReplyId, Message = "I am Batman.", ClientMessageId = Guid.NewGuid().ToString(),
        }).Bounded();

        Assert.Equal(new EditMessageResult { MessageId = sent.ReplyId }, edited);
        foreach (var device in new[] { phone, laptop })
        {
            var event_ = await device.Events.WaitFor<MessageEdited>(e => e.Message.Id == sent.ReplyId);
            Assert.Equal(("I am Batman.", true, sent.UserMessageId), (event_.Message.Message, event_.Message.Edited, event_.Message.ParentId));
        }
        var stored = (await user.MessagesAsync(conversation.Id))[^1];
        Assert.Equal((sent.ReplyId, "I am Batman.", true), (stored.Id, stored.Message, stored.Edited));
        Assert.Null((await user.MessagesAsync(conversation.Id))[^2].Edited);
    }

    [Fact]
    public async Task AContinuedReplyGrowsInPlaceAndIsStoredAsOneMessage()
    {
        var (user, conversation, phone, laptop) = await TwoDevicesAsync(Server);
        await using var _ = phone;
        await using var __ = laptop;
        var sent = await ExchangeAsync(phone, conversation.Id, "Describe the Batcave.");
        var before = (await phone.Events.Completed(sent.ReplyId)).Message.Message;
        var request = new ContinueReplyRequest { ConversationId = conversation.Id, ReplyId = sent.ReplyId, ClientRequestId = Guid.NewGuid().ToString() };

        var continued = await laptop.Hub.ContinueReply(request).Bounded();

        Assert.Equal(sent.ReplyId, continued.ReplyId);
        var completed = await phone.Events.WaitFor<ReplyCompleted>(c => c.ReplyId == sent.ReplyId && c.Message.Message != before);
        var more = string.Concat(phone.Events.Deltas(sent.ReplyId).Skip(DeltaCount(phone, before, sent.ReplyId)).Select(d => d.Text));
        Assert.Equal(before + more, completed.Message.Message);
        Assert.NotEmpty(more);
        Assert.Equal(continued, await phone.Hub.ContinueReply(request).Bounded());
        Assert.Equal(2, phone.Events.All<ReplyStarted>().Count(r => r.ReplyId == sent.ReplyId));
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal((sent.ReplyId, completed.Message.Message), (stored[^1].Id, stored[^1].Message));
        Assert.Single(stored, m => m.Id == sent.ReplyId);
    }

    [Fact]
    public async Task SelectingABranchReturnsItsSnapshotAndTellsEveryDevice()
    {
        var (user, conversation, phone, laptop) = await TwoDevicesAsync(Server);
        await using var _ = phone;
        await using var __ = laptop;
        var first = await ExchangeAsync(phone, conversation.Id, "Where is Robin?");
        var second = await phone.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = first.ReplyId, ClientRequestId = "r-1" }).Bounded();
        await phone.Events.Completed(second.ReplyId);

        var snapshot = await phone.Hub.SelectBranch(new SelectBranchRequest { ConversationId = conversation.Id, MessageId = first.ReplyId }).Bounded();

        Assert.Equal((first.ReplyId, 0, 2), (snapshot.Messages[^1].Id, snapshot.Messages[^1].SiblingIndex, snapshot.Messages[^1].SiblingCount));
        Assert.Equal(first.UserMessageId, snapshot.Messages[^2].Id);
        Assert.Equal(first.ReplyId, (await laptop.Events.WaitFor<BranchSelected>()).LeafId);
        Assert.Equal(first.ReplyId, (await user.MessagesAsync(conversation.Id))[^1].Id);
        var next = await ExchangeAsync(laptop, conversation.Id, "Thank you.");
        Assert.Equal(first.ReplyId, (await user.MessagesAsync(conversation.Id)).Single(m => m.Id == next.UserMessageId).ParentId);
    }

    [Fact]
    public async Task DeletingAMessageRemovesWhatFollowsItOnItsBranchTellsEveryDeviceAndKeepsItsAlternatives()
    {
        var (user, conversation, phone, laptop) = await TwoDevicesAsync(Server);
        await using var _ = phone;
        await using var __ = laptop;
        var first = await ExchangeAsync(phone, conversation.Id, "Hello?");
        var second = await phone.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = first.ReplyId, ClientRequestId = "r-1" }).Bounded();
        await phone.Events.Completed(second.ReplyId);
        var later = await ExchangeAsync(phone, conversation.Id, "Anyone?");
        var request = new DeleteMessageRequest { ConversationId = conversation.Id, MessageId = second.ReplyId };

        await phone.Hub.DeleteMessage(request).Bounded();

        foreach (var device in new[] { phone, laptop })
        {
            var deleted = await device.Events.WaitFor<MessagesDeleted>();
            Assert.Equal(new[] { second.ReplyId, later.UserMessageId, later.ReplyId }.Order(), deleted.MessageIds.Order());
            Assert.Equal(first.ReplyId, (await device.Events.WaitFor<BranchSelected>()).LeafId);
        }
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([first.UserMessageId, first.ReplyId], stored.TakeLast(2).Select(m => m.Id));
        Assert.Equal(1, stored[^1].SiblingCount);
        await laptop.Hub.DeleteMessage(request).Bounded();
        Assert.Single(laptop.Events.All<MessagesDeleted>());
    }

    [Fact]
    public async Task AnotherUsersConversationOrMessageIsRefusedLikeAMissingOneAndTheConnectionStaysUsable()
    {
        var owner = await Server.CreateUserAsync();
        var conversation = await owner.CreateConversationAsync();
        await using var ownerDevice = await owner.ConnectAsync();
        var sent = await ExchangeAsync(ownerDevice, conversation.Id, "Private.");
        var stranger = await Server.CreateUserAsync();
        await using var device = await stranger.ConnectAsync();
        var mine = await stranger.CreateConversationAsync();

        Func<Task>[] calls =
        [
            () => device.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = sent.ReplyId, ClientRequestId = "x" }),
            () => device.Hub.ContinueReply(new ContinueReplyRequest { ConversationId = conversation.Id, ReplyId = sent.ReplyId, ClientRequestId = "x" }),
            () => device.Hub.EditMessage(new EditMessageRequest { ConversationId = conversation.Id, MessageId = sent.ReplyId, Message = "Mine.", ClientMessageId = "x" }),
            () => device.Hub.SelectBranch(new SelectBranchRequest { ConversationId = conversation.Id, MessageId = sent.ReplyId }),
            () => device.Hub.DeleteMessage(new DeleteMessageRequest { ConversationId = conversation.Id, MessageId = sent.ReplyId }),
        ];
        foreach (var call in calls)
        {
            Assert.Equal("There is no conversation with that id.", (await Assert.ThrowsAsync<HubException>(() => call().Bounded())).UserMessage());
        }
        // The owner's message ids name nothing in the stranger's own conversation either.
        var inMine = await Assert.ThrowsAsync<HubException>(() => device.Hub.RegenerateReply(new RegenerateReplyRequest
        {
            ConversationId = mine.Id, ReplyId = sent.ReplyId, ClientRequestId = "x",
        }).Bounded());
        Assert.Equal("There is no message with that id in this conversation.", inMine.UserMessage());
        var badId = await Assert.ThrowsAsync<HubException>(() => device.Hub.SelectBranch(new SelectBranchRequest { ConversationId = mine.Id, MessageId = "nope" }).Bounded());
        Assert.Equal("The messageId is not valid.", badId.UserMessage());

        Assert.Equal("Private.", (await owner.MessagesAsync(conversation.Id)).Single(m => m.Id == sent.UserMessageId).Message);
        Assert.Equal(mine.Id, (await device.Hub.WatchConversation(mine.Id).Bounded()).ConversationId);
        using var http = stranger.Http();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Routes.Alternatives(conversation.Id, sent.ReplyId), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task WhileAReplyStreamsWhatWouldCutItsBranchIsRefusedAndWhatWouldNotIsDone()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "10" });
        var (user, conversation, phone, laptop) = await TwoDevicesAsync(slow);
        await using var _ = phone;
        await using var __ = laptop;
        var first = await ExchangeAsync(phone, conversation.Id, "First.");
        var aside = await phone.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = first.ReplyId, ClientRequestId = "r-1" }).Bounded();
        await phone.Events.Completed(aside.ReplyId);
        var streaming = await phone.SendAsync(conversation.Id, "Tell me a long story.");
        await phone.Events.Delta(streaming.ReplyId, 0);

        async Task<string> Refused(Func<Task> call) => (await Assert.ThrowsAsync<HubException>(() => call().Bounded())).UserMessage();
        Assert.Contains("still replying", await Refused(() => laptop.Hub.SelectBranch(new SelectBranchRequest { ConversationId = conversation.Id, MessageId = first.ReplyId })));
        Assert.Contains("still replying", await Refused(() => laptop.Hub.DeleteMessage(new DeleteMessageRequest { ConversationId = conversation.Id, MessageId = streaming.UserMessageId })));
        Assert.Contains("still replying", await Refused(() => laptop.Hub.DeleteMessage(new DeleteMessageRequest { ConversationId = conversation.Id, MessageId = first.UserMessageId })));
        Assert.Contains("still replying", await Refused(() => laptop.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = first.ReplyId, ClientRequestId = "r-2" })));
        Assert.Contains("still replying", await Refused(() => laptop.Hub.EditMessage(new EditMessageRequest
        {
            ConversationId = conversation.Id, MessageId = streaming.UserMessageId, Message = "Shorter.", ClientMessageId = "e-1",
        })));
        // The other alternative is off the streaming branch: it may go.
        await laptop.Hub.DeleteMessage(new DeleteMessageRequest { ConversationId = conversation.Id, MessageId = first.ReplyId }).Bounded();

        var completed = await phone.Events.Completed(streaming.ReplyId);
        Assert.Equal(MessageValues.StatusComplete, completed.Message.Status);
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([first.UserMessageId, aside.ReplyId, streaming.UserMessageId, streaming.ReplyId], stored.TakeLast(4).Select(m => m.Id));
    }

    [Fact]
    public async Task ADeviceThatReconnectsMidRegenerationGetsTheTextSoFarAndTheRestAndARetryGetsTheSameReply()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "30" });
        var user = await slow.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var phone = await user.ConnectAsync();
        var first = await ExchangeAsync(phone, conversation.Id, "Tell me a long story.");
        var request = new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = first.ReplyId, ClientRequestId = Guid.NewGuid().ToString() };
        var regenerated = await phone.Hub.RegenerateReply(request).Bounded();
        await phone.Events.Delta(regenerated.ReplyId, 2);

        await phone.DisposeAsync();
        await using var again = await user.ConnectAsync();
        var snapshot = await again.Hub.WatchConversation(conversation.Id).Bounded();
        var retried = await again.Hub.RegenerateReply(request).Bounded();
        var completed = await again.Events.Completed(regenerated.ReplyId);

        Assert.Equal(regenerated, retried);
        var active = Assert.IsType<ActiveReply>(snapshot.ActiveReply);
        Assert.Equal((regenerated.ReplyId, first.UserMessageId), (active.ReplyId, active.InReplyTo));
        Assert.True(active.Seq >= 2);
        var later = again.Events.Deltas(regenerated.ReplyId).Where(d => d.Seq > active.Seq).ToList();
        Assert.Equal(Enumerable.Range(active.Seq + 1, later.Count), later.Select(d => d.Seq));
        Assert.Equal(completed.Message.Message, active.Text + string.Concat(later.Select(d => d.Text)));
        Assert.Equal([first.UserMessageId, first.ReplyId], snapshot.Messages.TakeLast(2).Select(m => m.Id));
        Assert.Equal(2, (await AlternativesAsync(user, conversation.Id, first.ReplyId)).Count);
    }

    [Fact]
    public async Task RenamingAConversationStoresTheTitleAndTellsTheUsersDevices()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        using var http = user.Http();

        var renamed = await http.PatchAsJsonAsync(Routes.Conversation(conversation.Id), new RenameConversationRequest { Title = "  Gotham   nights " }, TestContext.Current.CancellationToken);
        var blank = await http.PatchAsJsonAsync(Routes.Conversation(conversation.Id), new RenameConversationRequest { Title = " " }, TestContext.Current.CancellationToken);
        var stranger = await Server.CreateUserAsync();
        using var strangerHttp = stranger.Http();
        var others = await strangerHttp.PatchAsJsonAsync(Routes.Conversation(conversation.Id), new RenameConversationRequest { Title = "Mine" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Gotham nights", (await renamed.Content.ReadFromJsonAsync<ConversationDto>(TestContext.Current.CancellationToken))?.Title);
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Contains("title must not be empty", await blank.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        Assert.Equal("Gotham nights", (await device.Events.WaitFor<ConversationUpdated>()).Conversation.Title);
        var listed = await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, TestContext.Current.CancellationToken);
        Assert.Equal("Gotham nights", listed!.Single(c => c.Id == conversation.Id).Title);
    }

    /// <summary>A user, a conversation, and two devices of the user watching it.</summary>
    internal static async Task<(TestUser User, ConversationDto Conversation, Device Phone, Device Laptop)> TwoDevicesAsync(ChatServer server)
    {
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var phone = await user.ConnectAsync();
        var laptop = await user.ConnectAsync();
        await phone.Hub.WatchConversation(conversation.Id).Bounded();
        await laptop.Hub.WatchConversation(conversation.Id).Bounded();
        return (user, conversation, phone, laptop);
    }

    /// <summary>Sends a message and waits for its reply to be stored.</summary>
    internal static async Task<SendMessageResult> ExchangeAsync(Device device, string conversationId, string text)
    {
        var sent = await device.SendAsync(conversationId, text);
        await device.Events.Completed(sent.ReplyId);
        return sent;
    }

    private static async Task<IReadOnlyList<MessageDto>> AlternativesAsync(TestUser user, string conversationId, string messageId)
    {
        using var http = user.Http();
        return (await http.GetFromJsonAsync<MessageDto[]>(Routes.Alternatives(conversationId, messageId), TestContext.Current.CancellationToken))!;
    }

    /// <summary>How many of the reply's deltas made its text <paramref name="before"/>: those of the first run.</summary>
    private static int DeltaCount(Device device, string before, string replyId)
    {
        var deltas = device.Events.Deltas(replyId);
        var text = "";
        for (var i = 0; i < deltas.Count; i++)
        {
            if (text == before) return i;
            text += deltas[i].Text;
        }
        return deltas.Count;
    }
}
