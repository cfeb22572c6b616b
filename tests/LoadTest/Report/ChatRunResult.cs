using ChatHub.Contracts;

namespace ChatHub.LoadTest.Report;

/// <summary>The outcome of one chat run against one target.</summary>
public sealed record ChatRunResult
{
    public required string Target { get; init; }
    public required HubProtocol Protocol { get; init; }
    public required int Users { get; init; }
    public required int MessagesPerUser { get; init; }
    public required int SecondDevices { get; init; }
    public required int RepliesExpected { get; init; }
    public required int RepliesCompleted { get; init; }
    public required double RegistrationSeconds { get; init; }
    public required double ChatSeconds { get; init; }
    public required long PeakConnections { get; init; }
    /// <summary>On every device, over the chat phase.</summary>
    public required long DeltasReceived { get; init; }
    public required double DeltasPerSecond { get; init; }
    public required double MeanDeltasPerReply { get; init; }
    /// <summary>On every device, over the chat phase: a delta may carry several tokens when the hub merges them.</summary>
    public required long TokensReceived { get; init; }
    public required double TokensPerSecond { get; init; }
    public required double MeanTokensPerReply { get; init; }
    /// <summary>CPU time this process used over the chat phase: server and clients alike when self-hosted.</summary>
    public required double CpuSeconds { get; init; }
    /// <summary>Bytes this process allocated over the chat phase (<see cref="GC.GetTotalAllocatedBytes"/>): server and clients alike when self-hosted.</summary>
    public required long AllocatedBytes { get; init; }
    public required IReadOnlyList<Summary> Latencies { get; init; }
    public required IReadOnlyDictionary<string, int> Errors { get; init; }
    public required Correctness Correctness { get; init; }

    public Summary? Metric(string name) => Latencies.FirstOrDefault(s => s.Metric == name);
}
