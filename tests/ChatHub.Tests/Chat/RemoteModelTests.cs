using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

/// <summary>The hub with the OpenAI path: the real OpenAI client and Polly, against a local fake OpenAI server.</summary>
public sealed class RemoteModelTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RemoteModelRig> StartAsync(Dictionary<string, string>? settings = null, Action<WebApplicationBuilder>? configure = null) =>
        RemoteModelRig.StartAsync(settings, configure);

    [Fact]
    public async Task TheRemoteModelsTokensStreamAndTheRequestCarriesTheCharacter()
    {
        // A cap above every character's own max_tokens, so the character's value is what goes out.
        await using var rig = await StartAsync(new Dictionary<string, string> { ["Quotas:Free:MaxTokens"] = "4096" });
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        fake.Enqueue(FakeReply.Tokens("Ele", "mentary", ", my", " dear."));

        var sent = await device.SendAsync(conversation.Id, "Who did it?");
        var completed = await device.Events.Completed(sent.ReplyId);

        Assert.Equal("Elementary, my dear.", completed.Message.Message);
        // The fake sends its chunks in one burst: the first goes out alone, the rest may be merged (Chat:DeltaWindowMs).
        var deltas = device.Events.Deltas(sent.ReplyId);
        Assert.Equal("Ele", deltas[0].Text);
        Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
        var request = Assert.Single(await fake.WaitForRequestsAsync(1, Ct));
        using var http = user.Http();
        var character = (await http.GetFromJsonAsync<CharacterDto>(Routes.Character(conversation.CharacterId), Ct))!;
        Assert.Equal(character.AiSettings.MaxTokens, request.MaxCompletionTokens);
        Assert.Equal(character.AiSettings.Temperature, request.Temperature!.Value, 3);
        Assert.Contains(character.Name, request.Messages[0].Content);
        Assert.Equal("Who did it?", request.Messages[^1].Content);
    }

    [Fact]
    public async Task TheModelIsAskedWhileTheMessageCommitsButTheReplyShowsOnlyOnceItIsStored()
    {
        HookedConversationStore? store = null;
        await using var rig = await StartAsync(configure: b => store = HookedConversationStore.Register(b));
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        store!.CloseGate();

        var sending = device.SendAsync(conversation.Id, "Who did it?");
        var request = Assert.Single(await fake.WaitForRequestsAsync(1, Ct));
        // The fake has answered; a reply streamed before its message is stored would be arriving now.
        await Task.Delay(500, Ct);

        Assert.False(sending.IsCompleted, "the message is still waiting to be stored");
        Assert.Empty(device.Events.All<ReplyStarted>());
        Assert.Empty(device.Events.All<ReplyDelta>());
        Assert.Single(request.Messages, m => m.Content == "Who did it?");
        Assert.Equal("Who did it?", request.Messages[^1].Content);
        store.OpenGate();
        var sent = await sending;
        var completed = await device.Events.Completed(sent.ReplyId);
        Assert.Equal("Hello from the fake model.", completed.Message.Message);
        Assert.Equal([sent.UserMessageId, sent.ReplyId], (await user.MessagesAsync(conversation.Id)).Select(m => m.Id));
    }

    [Fact]
    public async Task ARetryOfAnAnsweredMessageGetsItsFirstAnswerAndDoesNotAskTheModelAgain()
    {
        await using var rig = await StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        var clientMessageId = Guid.NewGuid().ToString();
        var first = await device.SendAsync(conversation.Id, "Who did it?", clientMessageId);
        await device.Events.Completed(first.ReplyId);

        var retry = await device.SendAsync(conversation.Id, "Who did it?", clientMessageId);
        var next = await device.SendAsync(conversation.Id, "And why?");
        await device.Events.Completed(next.ReplyId);

        Assert.Equal(first, retry);
        // One request for the first message, one for the next; none for the retry in between.
        Assert.Equal(["Who did it?", "And why?"], fake.Requests.Select(r => r.Messages[^1].Content));
        Assert.Equal(2, device.Events.All<ReplyStarted>().Count);
        Assert.Equal(4, (await user.MessagesAsync(conversation.Id)).Count);
    }

    [Fact]
    public async Task TheUsersRoleCapsTheRepliesMaxTokens()
    {
        await using var rig = await StartAsync(new Dictionary<string, string> { ["Quotas:Free:MaxTokens"] = "42" });

        var sent = await rig.Device.SendAsync(rig.Conversation.Id, "Be brief");
        await rig.Device.Events.Completed(sent.ReplyId);

        var request = Assert.Single(await rig.Fake.WaitForRequestsAsync(1, Ct));
        Assert.Equal(42, request.MaxCompletionTokens);
    }

    [Fact]
    public async Task AServerErrorBeforeTheFirstTokenIsRetried()
    {
        await using var rig = await StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        fake.Enqueue(FakeReply.Status(500), FakeReply.Tokens("Second", " time", " lucky."));

        var sent = await device.SendAsync(conversation.Id, "Try again");
        var completed = await device.Events.Completed(sent.ReplyId);

        Assert.Equal("Second time lucky.", completed.Message.Message);
        Assert.Equal(2, (await fake.WaitForRequestsAsync(2, Ct)).Count);
    }

    [Fact]
    public async Task AFailureAfterSomeTokensEndsInReplyFailedAndKeepsThePartialText()
    {
        await using var rig = await StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        fake.Enqueue(FakeReply.TokensThenAbort("It ", "was ", "the "));

        var sent = await device.SendAsync(conversation.Id, "Tell me");
        var failed = await device.Events.WaitFor<ReplyFailed>(r => r.ReplyId == sent.ReplyId);

        Assert.Equal("It was the ", failed.PartialText);
        Assert.Equal("The reply failed. Please try again.", failed.Error);
        Assert.Single(await fake.WaitForRequestsAsync(1, Ct));
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal((sent.ReplyId, "It was the ", MessageValues.StatusFailed), (stored[^1].Id, stored[^1].Message, stored[^1].Status));
    }

    [Fact]
    public async Task ASlowFirstTokenHitsTheTimeLimitAndTheUserIsToldClearly()
    {
        await using var rig = await StartAsync(new Dictionary<string, string>
        {
            ["Llm:FirstTokenTimeoutSeconds"] = "1",
            ["Llm:MaxRetries"] = "1",
        });
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        fake.DefaultReply = FakeReply.SlowFirstToken(TimeSpan.FromSeconds(5), "too", " late");

        var sent = await device.SendAsync(conversation.Id, "Hello?");
        var failed = await device.Events.WaitFor<ReplyFailed>(r => r.ReplyId == sent.ReplyId);

        Assert.Equal("The character cannot reply right now. Please try again in a moment.", failed.Error);
        Assert.Equal("", failed.PartialText);
        Assert.Equal(2, (await fake.WaitForRequestsAsync(2, Ct)).Count);
        // Stored even with no text: every message that asked for a reply has one, so none looks cut by a crash.
        var stored = await user.MessagesAsync(conversation.Id);
        Assert.Equal([sent.UserMessageId, sent.ReplyId], stored.Select(m => m.Id));
        Assert.Equal(("", MessageValues.StatusFailed, null), (stored[1].Message, stored[1].Status, stored[1].Error));
    }
}
