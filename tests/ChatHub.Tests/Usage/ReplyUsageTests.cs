using ChatHub.Contracts;
using ChatHub.Llm;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Support;
using Microsoft.Extensions.AI;

namespace ChatHub.Tests.Usage;

/// <summary>Each stored reply says what it cost: the endpoint's own usage when it sends it, else the tokenizer's count.</summary>
public sealed class ReplyUsageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheEndpointIsAskedForItsUsageAndTheReplyStoresIt()
    {
        await using var rig = await RemoteModelRig.StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        fake.Enqueue(FakeReply.Tokens("Ele", "mentary.") with { Usage = (1234, 56) });

        var sent = await device.SendAsync(conversation.Id, "Who did it?");
        var completed = await device.Events.Completed(sent.ReplyId);

        Assert.True(Assert.Single(await fake.WaitForRequestsAsync(1, Ct)).IncludeUsage);
        var usage = Assert.IsType<UsageDto>(completed.Message.Usage);
        Assert.Equal((1234, 56, FakeOpenAiServer.Model), (usage.PromptTokens, usage.CompletionTokens, usage.Model));
        Assert.NotNull(usage.TimeToFirstTokenMs);
        var stored = (await user.MessagesAsync(conversation.Id)).Single(m => m.Id == sent.ReplyId);
        Assert.Equal(usage, stored.Usage);
        Assert.Null((await user.MessagesAsync(conversation.Id)).Single(m => m.Id == sent.UserMessageId).Usage);
    }

    [Fact]
    public async Task WithoutTheEndpointsUsageTheTokenizerCountsThePromptAndTheReply()
    {
        await using var rig = await RemoteModelRig.StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        fake.Enqueue(FakeReply.Tokens("Elementary,", " my dear", " Watson."));

        var sent = await device.SendAsync(conversation.Id, "Who did it?");
        var completed = await device.Events.Completed(sent.ReplyId);

        var request = Assert.Single(await fake.WaitForRequestsAsync(1, Ct));
        var prompt = request.Messages.Select(m => new ChatMessage(new ChatRole(m.Role), m.Content)).ToList();
        var usage = Assert.IsType<UsageDto>(completed.Message.Usage);
        Assert.Equal(TokenCounter.CountPrompt(prompt), usage.PromptTokens);
        Assert.Equal(TokenCounter.Count("Elementary, my dear Watson."), usage.CompletionTokens);
        Assert.Equal(FakeOpenAiServer.Model, usage.Model);
    }

    [Fact]
    public async Task AContinuedReplyStoresWhatBothPartsCost()
    {
        await using var rig = await RemoteModelRig.StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        fake.Enqueue(FakeReply.Tokens("Ele", "mentary") with { Usage = (1234, 56) });
        fake.Enqueue(FakeReply.Tokens(", my dear.") with { Usage = (1300, 7) });
        var sent = await device.SendAsync(conversation.Id, "Who did it?");
        var first = await device.Events.Completed(sent.ReplyId);

        await device.Hub.ContinueReply(new ContinueReplyRequest { ConversationId = conversation.Id, ReplyId = sent.ReplyId, ClientRequestId = "more-1" }).Bounded();
        var continued = await device.Events.WaitFor<ReplyCompleted>(c => c.ReplyId == sent.ReplyId && c.Message.Message != first.Message.Message);

        var usage = Assert.IsType<UsageDto>(continued.Message.Usage);
        Assert.Equal((1234 + 1300, 56 + 7, first.Message.Usage!.TimeToFirstTokenMs), (usage.PromptTokens, usage.CompletionTokens, usage.TimeToFirstTokenMs));
        Assert.Equal(usage, (await user.MessagesAsync(conversation.Id)).Single(m => m.Id == sent.ReplyId).Usage);
    }

    [Fact]
    public async Task TheSimulatedModelsRepliesAreCountedUnderItsName()
    {
        await using var server = await ChatServer.StartAsync();
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(conversation.Id, "Tell me about yourself");
        var completed = await device.Events.Completed(sent.ReplyId);

        var usage = Assert.IsType<UsageDto>(completed.Message.Usage);
        Assert.Equal(SimulatedChatClient.ModelId, usage.Model);
        Assert.Equal(TokenCounter.Count(completed.Message.Message), usage.CompletionTokens);
        Assert.True(usage.PromptTokens > TokenCounter.Count("Tell me about yourself"));
        Assert.InRange(usage.TimeToFirstTokenMs!.Value, 0, (int)Timeouts.Event.TotalMilliseconds);
    }
}
