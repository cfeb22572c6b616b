using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

/// <summary><c>Chat:DeltaWindowMs</c>: what the model writes faster than the window goes out as one delta, in order, with nothing lost.</summary>
public sealed class DeltaMergingTests
{
    private sealed record Rig(ChatServer Server, TestUser User, ConversationDto Conversation, Device Device) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Device.DisposeAsync();
            await Server.DisposeAsync();
        }

        public async Task<ReplyCompleted> ReplyToAsync(string text) =>
            await Device.Events.Completed((await Device.SendAsync(Conversation.Id, text)).ReplyId);

        /// <summary>The reply's deltas, once checked to add up to the completed reply, which must be what was stored.</summary>
        public async Task<IReadOnlyList<ReplyDelta>> StreamedAsStoredAsync(ReplyCompleted completed)
        {
            var deltas = Device.Events.Deltas(completed.ReplyId);
            Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
            Assert.Equal(completed.Message, (await User.MessagesAsync(Conversation.Id))[^1]);
            return deltas;
        }
    }

    private static async Task<Rig> StartAsync(int windowMs, int tokensPerSecond)
    {
        var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Chat:DeltaWindowMs"] = windowMs.ToString(),
            ["Llm:Simulated:TimeToFirstTokenMs"] = "0",
            ["Llm:Simulated:TokensPerSecond"] = tokensPerSecond.ToString(),
        });
        var user = await server.CreateUserAsync();
        return new Rig(server, user, await user.CreateConversationAsync(), await user.ConnectAsync());
    }

    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public async Task TokensFasterThanTheWindowArriveAsOneDeltaAfterTheFirstAndAddUpToTheStoredReply()
    {
        // Unpaced: the whole reply is written within the window that follows the first delta.
        await using var rig = await StartAsync(windowMs: 1000, tokensPerSecond: 0);

        var completed = await rig.ReplyToAsync("Tell me everything about the docks");

        var deltas = await rig.StreamedAsStoredAsync(completed);
        Assert.Equal([0, 1], deltas.Select(d => d.Seq));
        Assert.Equal(1, Words(deltas[0].Text));
        Assert.True(Words(deltas[1].Text) > 5, "the rest of the reply should come merged into one delta");
    }

    [Fact]
    public async Task AWindowOfZeroSendsTokensAsTheyComeEvenFasterThanTheDefaultWindow()
    {
        // 200 tokens/s is one every 5 ms: the default 10 ms window would merge about a third of them.
        await using var rig = await StartAsync(windowMs: 0, tokensPerSecond: 200);

        var completed = await rig.ReplyToAsync("Tell me about the docks");

        // Nothing waits; only a piece that queues behind a send still under way (a busy machine) goes out with the next.
        var deltas = await rig.StreamedAsStoredAsync(completed);
        Assert.True(deltas.Count(d => Words(d.Text) == 1) >= 0.9 * deltas.Count, $"{deltas.Count} deltas for {Words(completed.Message.Message)} tokens");
    }

    [Fact]
    public async Task AStopThatComesOnceTheModelHasWrittenEverythingLeavesTheReplyComplete()
    {
        // Unpaced: the model is done at once, and all but the first piece wait out the window while the stop comes.
        await using var rig = await StartAsync(windowMs: 1000, tokensPerSecond: 0);
        var sent = await rig.Device.SendAsync(rig.Conversation.Id, "Tell me everything about the docks");
        await rig.Device.Events.Delta(sent.ReplyId, 0);

        await rig.Device.Hub.StopReply(sent.ReplyId).Bounded();

        var completed = await rig.Device.Events.Completed(sent.ReplyId);
        Assert.Equal(MessageValues.StatusComplete, completed.Message.Status);
        await rig.StreamedAsStoredAsync(completed);
    }

    [Fact]
    public async Task StoppingWhileTokensWaitOutTheWindowSendsThemBeforeTheStoppedReplyIsStored()
    {
        await using var rig = await StartAsync(windowMs: 1000, tokensPerSecond: 40);
        var sent = await rig.Device.SendAsync(rig.Conversation.Id, "Describe London in detail");
        await rig.Device.Events.Delta(sent.ReplyId, 0);
        await Task.Delay(300, TestContext.Current.CancellationToken); // about 12 tokens now wait for the window

        await rig.Device.Hub.StopReply(sent.ReplyId).Bounded();

        var completed = await rig.Device.Events.Completed(sent.ReplyId);
        var deltas = await rig.StreamedAsStoredAsync(completed);
        Assert.Equal(MessageValues.StatusStopped, completed.Message.Status);
        Assert.Equal([0, 1], deltas.Select(d => d.Seq));
        Assert.True(Words(deltas[1].Text) > 1, "the held tokens should go out together");
    }
}
