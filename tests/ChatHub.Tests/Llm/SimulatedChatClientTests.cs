using System.Diagnostics;
using ChatHub.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using static ChatHub.Tests.Llm.LlmTestData;

namespace ChatHub.Tests.Llm;

public sealed class SimulatedChatClientTests
{
    private static readonly SimulatedModelOptions NoDelays = new() { TimeToFirstTokenMs = 0, TokensPerSecond = 0 };

    [Fact]
    public async Task TheSameConversationGetsTheSameReply()
    {
        var request = Prompt("Can you help me find the Joker?");

        var first = await Reply(new SimulatedChatClient(NoDelays, TimeProvider.System), request);
        var second = await Reply(new SimulatedChatClient(NoDelays, TimeProvider.System), request);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task TheReplyIsInCharacterAndPicksUpWhatTheUserSaid()
    {
        var text = await Reply(new SimulatedChatClient(NoDelays, TimeProvider.System), Prompt("Can you help me find the Joker?"));

        Assert.Contains("Batman", text);
        Assert.Contains(Batman().Traits, trait => text.Contains(trait, StringComparison.Ordinal));
        Assert.Contains("Can you help me find the Joker", text);
        Assert.InRange(text.Split(' ').Length, 30, 60);
    }

    [Fact]
    public async Task DifferentMessagesCanGetDifferentPhrasing()
    {
        var client = new SimulatedChatClient(NoDelays, TimeProvider.System);
        var replies = new HashSet<string>();
        foreach (var message in new[] { "Hello", "Where is Robin?", "What do you fear?", "Tell me a secret", "Why the bat?" })
        {
            var text = await Reply(client, Prompt(message));
            replies.Add(text.Replace(message.TrimEnd('?'), "", StringComparison.Ordinal));
        }

        Assert.True(replies.Count > 1, "every message got the same sentences");
    }

    [Fact]
    public async Task TheReplyStopsAtTheMaximumOutputTokens()
    {
        var request = Prompt("Tell me everything you know about Gotham.", maxTokens: 7);
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in new SimulatedChatClient(NoDelays, TimeProvider.System).GetStreamingResponseAsync(request.Messages, request.Options, Ct))
        {
            updates.Add(update);
        }

        Assert.Equal(7, updates.Count);
        Assert.Equal(7, string.Concat(updates.Select(u => u.Text)).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [Fact]
    public async Task TheFirstTokenWaitsForTheConfiguredTimeToFirstToken()
    {
        var client = new SimulatedChatClient(new SimulatedModelOptions { TimeToFirstTokenMs = 300, TokensPerSecond = 0 }, TimeProvider.System);
        var request = Prompt("Hello");
        var clock = Stopwatch.StartNew();

        await using var updates = client.GetStreamingResponseAsync(request.Messages, request.Options, Ct).GetAsyncEnumerator(Ct);
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(WaitLimit, Ct));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"first token after {clock.Elapsed}");
    }

    [Fact]
    public async Task CancellingStopsTheStreamPromptly()
    {
        // A token every 5 s: an ignored cancellation would show as a 5 s wait.
        var slow = new SimulatedChatClient(new SimulatedModelOptions { TimeToFirstTokenMs = 0, TokensPerSecond = 0.2 }, TimeProvider.System);
        var request = Prompt("Talk slowly");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var received = new List<string>();
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in slow.GetStreamingResponseAsync(request.Messages, request.Options, cancel.Token).WithCancellation(cancel.Token))
            {
                received.Add(update.Text);
                cancel.Cancel();
            }
        }).WaitAsync(WaitLimit, Ct);

        Assert.Single(received);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stopped after {clock.Elapsed}");
    }

    private static ModelRequest Prompt(string userText, int maxTokens = 500) =>
        new PromptBuilder(Options.Create(new LlmOptions())).Build(Batman(maxTokens: maxTokens), [User(userText)]);

    private static async Task<string> Reply(SimulatedChatClient client, ModelRequest request) =>
        (await client.GetResponseAsync(request.Messages, request.Options, Ct).WaitAsync(WaitLimit, Ct)).Text;
}
