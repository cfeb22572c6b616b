using ChatHub.Contracts;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

/// <summary>The prompt reads the active branch only, as the fake OpenAI server received it: never an alternative, never another branch.</summary>
public sealed class BranchPromptRemoteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachReplysPromptHoldsItsOwnBranchAndNoOther()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        await using var server = await ChatServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(fake.LlmConfiguration));
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        fake.Enqueue(FakeReply.Tokens("Reply to A."));
        var a = await ConversationTreeHubTests.ExchangeAsync(device, conversation.Id, "Message A");

        fake.Enqueue(FakeReply.Tokens("Reply to B."));
        var b = await device.Hub.EditMessage(new EditMessageRequest { ConversationId = conversation.Id, MessageId = a.UserMessageId, Message = "Message B", ClientMessageId = "e-1" }).Bounded();
        await device.Events.Completed(b.ReplyId!);
        fake.Enqueue(FakeReply.Tokens("Another reply to B."));
        var again = await device.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = b.ReplyId!, ClientRequestId = "r-1" }).Bounded();
        await device.Events.Completed(again.ReplyId);
        await device.Hub.SelectBranch(new SelectBranchRequest { ConversationId = conversation.Id, MessageId = a.UserMessageId }).Bounded();
        fake.Enqueue(FakeReply.Tokens("Reply to C."));
        var c = await ConversationTreeHubTests.ExchangeAsync(device, conversation.Id, "Message C");
        fake.Enqueue(FakeReply.Tokens(" And more."));
        await device.Hub.ContinueReply(new ContinueReplyRequest { ConversationId = conversation.Id, ReplyId = c.ReplyId, ClientRequestId = "c-1" }).Bounded();
        await device.Events.WaitFor<ReplyCompleted>(r => r.ReplyId == c.ReplyId && r.Message.Message == "Reply to C. And more.");

        var requests = await fake.WaitForRequestsAsync(5, Ct);
        var dialogue = requests.Select(r => r.Messages.Where(m => m.Role != "system").Select(m => m.Content).ToList()).ToList();
        var greeting = dialogue[0][0];
        Assert.Equal([greeting, "Message A"], dialogue[0]);
        Assert.Equal([greeting, "Message B"], dialogue[1]);
        Assert.Equal([greeting, "Message B"], dialogue[2]);
        Assert.Equal([greeting, "Message A", "Reply to A.", "Message C"], dialogue[3]);
        Assert.Equal([greeting, "Message A", "Reply to A.", "Message C", "Reply to C."], dialogue[4]);
        Assert.Equal(("system", "Continue your last message from exactly where it stopped, without repeating any of it."), requests[4].Messages[^1]);
    }
}
