using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Engine;

/// <summary>What every session of one run shares: its options and target, and where results go.</summary>
public sealed class RunState(LoadOptions options, LoadTarget target)
{
    public LoadOptions Options { get; } = options;
    public LoadTarget Target { get; } = target;
    public LiveCounters Live { get; } = new();
    public Samples Samples { get; } = new();
    public CorrectnessTally Correctness { get; } = new();
    public ErrorTally Errors { get; } = new();

    /// <summary>Unique per run, so emails never collide with an earlier run against the same nodes.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..12];

    public Uri Node(int index) => Target.Nodes[index % Target.Nodes.Count];
}
