using System.Text;
using System.Threading.Channels;
using ChatHub.Contracts;
using ChatHub.Observability;

namespace ChatHub.Chat;

/// <summary>
/// Sends one reply's text to its watchers as <see cref="IChatHubClient.ReplyDelta"/>s, in the order the
/// model wrote it. A piece that comes a window or more after the last delta goes out at once; pieces
/// that come faster wait out the window and go out together, as one delta with their text joined. A
/// stream slower than the window (40 tokens/s is one every 25 ms) is sent token by token with no
/// added latency; a burst (a fast model, a network chunk of tokens, timers catching up under load)
/// costs one frame per window for every watcher instead of one per token. With a window of 0 nothing
/// waits, but pieces that queue behind a send still under way go out together.
/// </summary>
public sealed class DeltaStream
{
    // With synchronous continuations the sender runs on the model's thread when it is idle: no thread hop per token.
    private readonly Channel<string> _pieces = Channel.CreateUnbounded<string>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly ReplyRun _run;
    private readonly IChatHubClient _watchers;
    private readonly IReplyRegistry _registry;
    private readonly ReplyTelemetry _telemetry;
    private readonly TimeSpan _window;
    private readonly TimeProvider _clock;
    private readonly Task _sending;

    public DeltaStream(ReplyRun run, IChatHubClient watchers, IReplyRegistry registry, ReplyTelemetry telemetry, TimeSpan window, TimeProvider clock)
    {
        (_run, _watchers, _registry, _telemetry, _window, _clock) = (run, watchers, registry, telemetry, window, clock);
        _sending = SendAsync();
    }

    /// <summary>Queues a piece of the reply; throws what stopped the sender if it has stopped.</summary>
    public void Add(string text)
    {
        if (text.Length > 0 && !_pieces.Writer.TryWrite(text)) _sending.GetAwaiter().GetResult();
    }

    /// <summary>Sends whatever is still queued; once this returns, the run's text is every piece added.</summary>
    public Task CompleteAsync()
    {
        _pieces.Writer.TryComplete();
        return _sending;
    }

    private async Task SendAsync()
    {
        var reader = _pieces.Reader;
        var joined = new StringBuilder();
        long? lastSent = null;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                if (lastSent is { } last && _window - _clock.GetElapsedTime(last) is { Ticks: > 0 } rest) await Task.Delay(rest, _clock);
                reader.TryRead(out var text);
                if (reader.TryRead(out var next))
                {
                    joined.Append(text).Append(next);
                    while (reader.TryRead(out next)) joined.Append(next);
                    text = joined.ToString();
                    joined.Clear();
                }
                var seq = _run.Append(text!);
                // The window runs from here: a slow send does not add a window of its own to the next delta.
                lastSent = _clock.GetTimestamp();
                await _registry.RecordDeltaAsync(_run, text!, seq);
                await _watchers.ReplyDelta(new ReplyDelta { ConversationId = _run.ConversationId, ReplyId = _run.ReplyId, Seq = seq, Text = text! });
                _telemetry.DeltaSent();
            }
        }
        finally
        {
            // A failed send stops the stream: the model's next piece learns why, through Add.
            _pieces.Writer.TryComplete();
        }
    }
}
