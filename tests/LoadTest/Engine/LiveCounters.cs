namespace ChatHub.LoadTest.Engine;

/// <summary>Running totals the progress line reads every second; updated lock-free from every connection.</summary>
public sealed class LiveCounters
{
    private long _connections;
    private long _peakConnections;
    private long _replies;
    private long _deltas;
    private long _tokens;

    public long Connections => Interlocked.Read(ref _connections);
    public long PeakConnections => Interlocked.Read(ref _peakConnections);
    public long Replies => Interlocked.Read(ref _replies);
    public long Deltas => Interlocked.Read(ref _deltas);
    public long Tokens => Interlocked.Read(ref _tokens);

    public void Connected()
    {
        var now = Interlocked.Increment(ref _connections);
        long peak;
        while (now > (peak = Interlocked.Read(ref _peakConnections)) && Interlocked.CompareExchange(ref _peakConnections, now, peak) != peak)
        {
        }
    }

    public void Disconnected() => Interlocked.Decrement(ref _connections);
    public void Reply() => Interlocked.Increment(ref _replies);
    public void Delta(int tokens)
    {
        Interlocked.Increment(ref _deltas);
        Interlocked.Add(ref _tokens, tokens);
    }
}
