using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using ChatHub.Chat;
using ChatHub.Contracts;
using ChatHub.Observability;

namespace ChatHub.Benchmarks;

/// <summary>
/// The hub's own code per token, before SignalR: a reply of 56 pieces through <see cref="DeltaStream"/>
/// (run text, seq, registry, telemetry, the ReplyDelta) to watchers that cost nothing. Window 0, so
/// every piece is its own delta: the worst case. Not sealed: BenchmarkDotNet derives its runner from this class.
/// </summary>
[MemoryDiagnoser]
public class DeltaStreamBenchmarks
{
    private const int Pieces = 56;
    private static readonly string[] Words = [.. Enumerable.Range(0, Pieces).Select(i => $"word{i} ")];

    private readonly ChatMetrics _metrics = new(new NoMeters(), TimeProvider.System);
    private readonly SingleNodeReplyRegistry _registry = new();

    /// <summary>Per piece: the reply's own setup (run, telemetry, stream) is spread over its 56 pieces.</summary>
    [Benchmark(OperationsPerInvoke = Pieces)]
    public async Task StreamAReply()
    {
        var run = new ReplyRun("6740a1000000000000000042", "6740a1000000000000000001", "6740a10000000000000000ff", "6740a10000000000000000fe");
        using var telemetry = _metrics.ReplyStarted(run);
        var stream = new DeltaStream(run, NoWatchers.Instance, _registry, telemetry, TimeSpan.Zero, TimeProvider.System);
        foreach (var word in Words) stream.Add(word);
        await stream.CompleteAsync();
    }

    private sealed class NoMeters : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);
        public void Dispose() { }
    }

    private sealed class NoWatchers : IChatHubClient
    {
        public static readonly NoWatchers Instance = new();
        public Task MessageAppended(MessageAppended message) => Task.CompletedTask;
        public Task ReplyStarted(ReplyStarted reply) => Task.CompletedTask;
        public Task ReplyDelta(ReplyDelta delta) => Task.CompletedTask;
        public Task ReplyCompleted(ReplyCompleted reply) => Task.CompletedTask;
        public Task ReplyFailed(ReplyFailed reply) => Task.CompletedTask;
        public Task SessionEnded(SessionEnded ended) => Task.CompletedTask;
        public Task MessageEdited(MessageEdited message) => Task.CompletedTask;
        public Task MessagesDeleted(MessagesDeleted deleted) => Task.CompletedTask;
        public Task BranchSelected(BranchSelected branch) => Task.CompletedTask;
        public Task ConversationUpdated(ConversationUpdated updated) => Task.CompletedTask;
    }
}
