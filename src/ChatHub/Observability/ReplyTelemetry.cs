using System.Diagnostics;
using ChatHub.Chat;

namespace ChatHub.Observability;

/// <summary>
/// One reply's measurements and its span, from <see cref="ChatMetrics.ReplyStarted"/> to disposal.
/// The reply's tasks touch it one after another (the generator, then its delta sender, which the generator
/// awaits before it ends the reply), never at once, so it needs no lock.
/// </summary>
public sealed class ReplyTelemetry : IDisposable
{
    private readonly ChatMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly Activity? _activity;
    private readonly long _started;
    private long _firstDelta;
    private long _lastDelta;
    private int _deltas;

    internal ReplyTelemetry(ChatMetrics metrics, ReplyRun run, TimeProvider clock)
    {
        _metrics = metrics;
        _clock = clock;
        _started = run.ReceivedAt;
        // Ids only: the span goes to whatever collector is configured, so the user's words stay out of it.
        _activity = ChatMetrics.Tracing.StartActivity("chat.reply", ActivityKind.Internal, parentContext: default, tags:
        [
            new("chat.conversation.id", run.ConversationId),
            new("chat.reply.id", run.ReplyId),
        ]);
    }

    /// <summary>Call after each delta went out; the first one sets the time to first token.</summary>
    public void DeltaSent()
    {
        _lastDelta = _clock.GetTimestamp();
        if (_deltas++ == 0)
        {
            _firstDelta = _lastDelta;
            _metrics.RecordFirstToken(_clock.GetElapsedTime(_started, _firstDelta));
        }
        _metrics.RecordDelta();
    }

    internal void Ended(string outcome, string? failure)
    {
        // The pace after the first delta: the wait for the first one is time to first token's business.
        var streaming = _clock.GetElapsedTime(_firstDelta, _lastDelta);
        if (_deltas > 1 && streaming > TimeSpan.Zero) _metrics.RecordPace((_deltas - 1) / streaming.TotalSeconds);
        _activity?.SetTag("chat.reply.outcome", outcome);
        _activity?.SetTag("chat.reply.deltas", _deltas);
        if (failure is not null) _activity?.SetStatus(ActivityStatusCode.Error, failure);
    }

    public void Dispose() => _activity?.Dispose();
}
