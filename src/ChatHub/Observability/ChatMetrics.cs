using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatHub.Chat;

namespace ChatHub.Observability;

/// <summary>
/// The service's own instruments, on the <c>CharacterChat</c> meter, and the reply spans of the
/// <c>CharacterChat</c> activity source. Measurements carry ids and outcomes, never what a user wrote.
/// </summary>
public sealed class ChatMetrics
{
    public const string Name = "CharacterChat";

    public static class Outcomes
    {
        public const string Completed = "completed";
        public const string Stopped = "stopped";
        public const string Failed = "failed";
    }

    /// <summary>One for the process: an activity source has no factory, and its listeners choose by name anyway.</summary>
    public static readonly ActivitySource Tracing = new(Name);

    /// <summary>The histogram of time to first token, in milliseconds from the user's message reaching the hub.</summary>
    public const string TimeToFirstToken = "characterchat.reply.time_to_first_token";

    // Replies wait for a remote model, so the first token can take seconds; the defaults stop at 10 s.
    private static readonly double[] FirstTokenBucketsMs = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000];
    private static readonly double[] PaceBuckets = [1, 5, 10, 20, 40, 60, 100, 150, 250, 500, 1_000];

    private readonly TimeProvider _clock;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _repliesStarted;
    private readonly Counter<long> _repliesEnded;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _pace;
    private readonly Counter<long> _deltas;
    private readonly Counter<long> _modelFailures;
    private readonly Counter<long> _slowConnectionsClosed;
    private readonly UpDownCounter<long> _queuedBytes;
    private readonly Counter<long> _tokens;

    public ChatMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        _clock = clock;
        var meter = meterFactory.Create(Name);
        _connections = meter.CreateUpDownCounter<long>("characterchat.hub.connections", "{connection}", "Hub connections open on this node.");
        _messages = meter.CreateCounter<long>("characterchat.messages.received", "{message}", "User messages stored (a retried message counts once).");
        _repliesStarted = meter.CreateCounter<long>("characterchat.replies.started", "{reply}", "Replies this node started writing.");
        _repliesEnded = meter.CreateCounter<long>("characterchat.replies.ended", "{reply}", "Replies this node ended, by outcome: completed, stopped or failed.");
        _timeToFirstToken = meter.CreateHistogram<double>(TimeToFirstToken, "ms", "From the user's message reaching the hub to the reply's first delta.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FirstTokenBucketsMs });
        _pace = meter.CreateHistogram<double>("characterchat.reply.deltas_per_second", "{delta}/s", "A reply's pace: deltas sent per second after its first (pieces merged under Chat:DeltaWindowMs count once).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PaceBuckets });
        _deltas = meter.CreateCounter<long>("characterchat.reply.deltas", "{delta}", "ReplyDelta events sent to conversation groups.");
        _queuedBytes = meter.CreateUpDownCounter<long>("characterchat.hub.queued_bytes", "By", "Bytes of hub messages waiting for connections whose sockets have not taken the earlier ones yet.");
        _slowConnectionsClosed = meter.CreateCounter<long>("characterchat.hub.slow_connections_closed", "{connection}", "Hub connections closed because more than Chat:ConnectionQueueBytes waited for their socket.");
        _tokens = meter.CreateCounter<long>("characterchat.tokens", "{token}", "Tokens replies used, by role, model and type (prompt or completion).");
        _modelFailures = meter.CreateCounter<long>("characterchat.model.failures", "{failure}", "Replies the model could not start (retries, first-token limit and circuit breaker exhausted).");
    }

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void MessageReceived() => _messages.Add(1);

    public void ModelFailed() => _modelFailures.Add(1);

    public void SlowConnectionClosed() => _slowConnectionsClosed.Add(1);

    public void Queued(long bytes)
    {
        if (bytes != 0) _queuedBytes.Add(bytes);
    }

    public void TokensUsed(string role, string model, int promptTokens, int completionTokens)
    {
        _tokens.Add(promptTokens, new("role", role), new("model", model), new("type", "prompt"));
        _tokens.Add(completionTokens, new("role", role), new("model", model), new("type", "completion"));
    }

    /// <summary>Counts the reply and opens its span; dispose the result when the reply is over.</summary>
    public ReplyTelemetry ReplyStarted(ReplyRun run)
    {
        _repliesStarted.Add(1);
        return new ReplyTelemetry(this, run, _clock);
    }

    /// <summary>
    /// Counts how a reply ended, with the same rule as the stored status: a failure is a failure, a
    /// reply cut short otherwise (stop, deletion) is stopped. <paramref name="telemetry"/> is null for
    /// a reply another node started and died writing.
    /// </summary>
    public void ReplyEnded(ReplyTelemetry? telemetry, CutReason cut, string? failure)
    {
        var outcome = failure is not null ? Outcomes.Failed : cut == CutReason.None ? Outcomes.Completed : Outcomes.Stopped;
        _repliesEnded.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        telemetry?.Ended(outcome, failure);
    }

    internal void RecordDelta() => _deltas.Add(1);

    internal void RecordFirstToken(TimeSpan elapsed) => _timeToFirstToken.Record(elapsed.TotalMilliseconds);

    internal void RecordPace(double deltasPerSecond) => _pace.Record(deltasPerSecond);
}
