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

        var sent = await rig.Device.SendAsync(rig.Conversation.Id, "Tell me everything about the docks");
        var completed = await rig.Device.Events.Completed(sent.ReplyId);

        var deltas = rig.Device.Events.Deltas(sent.ReplyId);
        Assert.Equal([0, 1], deltas.Select(d => d.Seq));
        Assert.Equal(1, Words(deltas[0].Text));
        Assert.True(Words(deltas[1].Text) > 5, "the rest of the reply should come merged into one delta");
        Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
        Assert.Equal(completed.Message, (await rig.User.MessagesAsync(rig.Conversation.Id))[^1]);
    }

    [Fact]
    public async Task AWindowOfZeroSendsEachTokenAsItsOwnDelta()
    {
        await using var rig = await StartAsync(windowMs: 0, tokensPerSecond: 50);

        var sent = await rig.Device.SendAsync(rig.Conversation.Id, "Tell me about the docks");
        var completed = await rig.Device.Events.Completed(sent.ReplyId);

        var deltas = rig.Device.Events.Deltas(sent.ReplyId);
        Assert.Equal(Words(completed.Message.Message), deltas.Count);
        Assert.All(deltas, d => Assert.Equal(1, Words(d.Text)));
        Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
    }

    [Fact]
    public async Task StoppingWhileTokensWaitOutTheWindowSendsThemBeforeTheStoppedReplyIsStored()
    {
        await using var rig = await StartAsync(windowMs: 1000, tokensPerSecond: 40);
        var sent = await rig.Device.SendAsync(rig.Conversation.Id, "Describe London in detail");
        await rig.Device.Events.Delta(sent.ReplyId, 0);
        await Task.Delay(500, TestContext.Current.CancellationToken); // about 20 tokens now wait for the window

        await rig.Device.Hub.StopReply(sent.ReplyId).Bounded();

        var completed = await rig.Device.Events.Completed(sent.ReplyId);
        var deltas = rig.Device.Events.Deltas(sent.ReplyId);
        Assert.Equal(MessageValues.StatusStopped, completed.Message.Status);
        Assert.Equal([0, 1], deltas.Select(d => d.Seq));
        Assert.True(Words(deltas[1].Text) > 1, "the held tokens should go out together");
        Assert.Equal(completed.Message.Message, string.Concat(deltas.Select(d => d.Text)));
        Assert.Equal(completed.Message, (await rig.User.MessagesAsync(rig.Conversation.Id))[^1]);
    }
}
