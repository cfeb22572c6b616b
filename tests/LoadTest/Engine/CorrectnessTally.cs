using ChatHub.LoadTest.Report;

namespace ChatHub.LoadTest.Engine;

public sealed class CorrectnessTally
{
    private int _missing;
    private int _duplicated;
    private int _outOfOrder;
    private int _history;

    public void Add(StreamCheck check)
    {
        if (check.Missing) Interlocked.Increment(ref _missing);
        if (check.Duplicated) Interlocked.Increment(ref _duplicated);
        if (check.OutOfOrder) Interlocked.Increment(ref _outOfOrder);
    }

    public void HistoryMismatch() => Interlocked.Increment(ref _history);

    public Correctness Read() => new(Volatile.Read(ref _missing), Volatile.Read(ref _duplicated), Volatile.Read(ref _outOfOrder), Volatile.Read(ref _history));
}
