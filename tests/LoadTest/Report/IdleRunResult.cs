using ChatHub.LoadTest.Engine;

namespace ChatHub.LoadTest.Report;

/// <summary>The outcome of an idle run: how many connections held, and what they cost the server.</summary>
public sealed record IdleRunResult
{
    public required string Target { get; init; }
    public required int Requested { get; init; }
    public required int Connected { get; init; }
    public required int Accounts { get; init; }
    public required double RegistrationSeconds { get; init; }
    public required double ConnectSeconds { get; init; }
    public required IReadOnlyList<Summary> Latencies { get; init; }
    public required MemoryReading Before { get; init; }
    public required MemoryReading After { get; init; }
    public required IReadOnlyDictionary<string, int> Errors { get; init; }

    public double? RssPerConnection => PerConnection(Before.RssBytes, After.RssBytes);
    public double? GcHeapPerConnection => PerConnection(Before.GcHeapBytes, After.GcHeapBytes);

    private double? PerConnection(long? before, long? after) =>
        before is { } b && after is { } a && Connected > 0 ? (a - b) / (double)Connected : null;
}
