using System.Collections.Concurrent;

namespace ChatHub.LoadTest.Engine;

/// <summary>Errors counted by kind.</summary>
public sealed class ErrorTally
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Add(string kind)
    {
        _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _total);
    }

    public void Add(string stage, Exception exception) => Add($"{stage}: {Describe(exception)}");

    public IReadOnlyDictionary<string, int> Counts => new SortedDictionary<string, int>(_counts, StringComparer.Ordinal);

    private static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        TimeoutException => "timed out",
        _ => exception.GetType().Name,
    };
}
