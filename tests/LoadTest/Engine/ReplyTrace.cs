using ChatHub.Contracts;

namespace ChatHub.LoadTest.Engine;

/// <summary>How a reply ended on one device: its stored form, or the error the hub sent.</summary>
public sealed record ReplyEnd(long At, MessageDto? Message, string? Error);

/// <summary>What one device saw of one reply: the stream checked for gaps, doubles and disorder.</summary>
/// <param name="TokensAfterFirst">Tokens in the deltas after the first: what streamed over the gaps.</param>
public sealed record StreamCheck(long? FirstDeltaAt, double[] GapsMs, string Text, int Deltas, int TokensAfterFirst, bool Missing, bool Duplicated, bool OutOfOrder);

/// <summary>
/// One reply as one device receives it. Deltas are kept in arrival order with their arrival time;
/// the check runs once the reply has ended.
/// </summary>
public sealed class ReplyTrace
{
    private readonly Lock _lock = new();
    private readonly List<(int Seq, string Text, int Tokens, long At)> _deltas = [];
    private readonly TaskCompletionSource<ReplyEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<ReplyEnd> Ended => _ended.Task;

    /// <param name="tokens">The delta's tokens, counted once by the listener.</param>
    public void OnDelta(ReplyDelta delta, int tokens, long at)
    {
        lock (_lock) _deltas.Add((delta.Seq, delta.Text, tokens, at));
    }

    public void OnEnd(ReplyEnd end) => _ended.TrySetResult(end);

    /// <summary>When each seq first arrived.</summary>
    public IReadOnlyDictionary<int, long> Arrivals()
    {
        var arrivals = new Dictionary<int, long>();
        lock (_lock)
        {
            foreach (var (seq, _, _, at) in _deltas) arrivals.TryAdd(seq, at);
        }
        return arrivals;
    }

    /// <param name="completedText">The text the hub says it stored; the deltas must add up to exactly that.</param>
    public StreamCheck Check(string? completedText)
    {
        (int Seq, string Text, int Tokens, long At)[] deltas;
        lock (_lock) deltas = [.. _deltas];

        var seen = new HashSet<int>();
        var text = new SortedDictionary<int, string>();
        bool duplicated = false, outOfOrder = false;
        var highest = -1;
        foreach (var (seq, piece, _, _) in deltas)
        {
            if (!seen.Add(seq)) duplicated = true;
            else if (seq < highest) outOfOrder = true;
            text.TryAdd(seq, piece);
            highest = Math.Max(highest, seq);
        }
        var joined = string.Concat(text.Values);
        var missing = seen.Count != highest + 1 || seen.Any(s => s < 0) || (completedText is not null && completedText != joined);
        var gaps = deltas.Skip(1).Select((d, i) => Clock.Ms(deltas[i].At, d.At)).ToArray();
        var tokensAfterFirst = deltas.Skip(1).Sum(d => d.Tokens);
        return new StreamCheck(deltas.Length > 0 ? deltas[0].At : null, gaps, joined, deltas.Length, tokensAfterFirst, missing, duplicated, outOfOrder);
    }
}
