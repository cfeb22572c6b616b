using System.Diagnostics.Metrics;
using ChatHub.Chat;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Observability;

namespace ChatHub.Tests.Chat;

/// <summary>What the hub tests cannot make happen: a send to the watchers that fails.</summary>
public sealed class DeltaStreamTests
{
    [Fact]
    public async Task ASendThatFailsEndsTheStreamAndBothItsEndAndTheNextPieceSayWhy()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ChatMetrics(services.GetRequiredService<IMeterFactory>(), TimeProvider.System);
        var run = new ReplyRun(Ids.New(), Ids.New(), Ids.New(), Ids.New());
        using var telemetry = metrics.ReplyStarted(run);
        var stream = new DeltaStream(run, new FailingWatchers(), new SingleNodeReplyRegistry(), telemetry, TimeSpan.Zero, TimeProvider.System);

        stream.Add("first ");

        var atEnd = await Assert.ThrowsAsync<IOException>(stream.CompleteAsync);
        var atNext = Assert.Throws<IOException>(() => stream.Add("second "));
        Assert.Equal(FailingWatchers.Error, atEnd.Message);
        Assert.Same(atEnd, atNext);
        Assert.Equal("first ", run.Text);
    }

    private sealed class FailingWatchers : IChatHubClient
    {
        public const string Error = "the connection is gone";
        public Task MessageAppended(MessageAppended message) => Task.CompletedTask;
        public Task ReplyStarted(ReplyStarted reply) => Task.CompletedTask;
        public Task ReplyDelta(ReplyDelta delta) => Task.FromException(new IOException(Error));
        public Task ReplyCompleted(ReplyCompleted reply) => Task.CompletedTask;
        public Task ReplyFailed(ReplyFailed reply) => Task.CompletedTask;
        public Task SessionEnded(SessionEnded ended) => Task.CompletedTask;
        public Task MessageEdited(MessageEdited message) => Task.CompletedTask;
        public Task MessagesDeleted(MessagesDeleted deleted) => Task.CompletedTask;
        public Task BranchSelected(BranchSelected branch) => Task.CompletedTask;
        public Task ConversationUpdated(ConversationUpdated updated) => Task.CompletedTask;
    }
}
