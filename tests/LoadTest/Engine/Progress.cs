using System.Globalization;

namespace ChatHub.LoadTest.Engine;

/// <summary>Prints one line a second while a run is going: connections, rates and errors so far.</summary>
public static class Progress
{
    public static async Task RunAsync(string label, RunState state, TextWriter output, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var start = Clock.Now;
        var (replies, tokens) = (state.Live.Replies, state.Live.Tokens);
        var last = start;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = Clock.Now;
                var seconds = Clock.Ms(last, now) / 1000;
                var live = state.Live;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{label} {Clock.Ms(start, now) / 1000,5:F0}s] connections {live.Connections,6}  replies/s {(live.Replies - replies) / seconds,8:F1}  tokens/s {(live.Tokens - tokens) / seconds,9:F0}  errors {state.Errors.Total,5}"));
                (replies, tokens, last) = (live.Replies, live.Tokens, now);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }
}
