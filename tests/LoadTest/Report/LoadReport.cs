namespace ChatHub.LoadTest.Report;

/// <summary>Everything one invocation of the tool measured.</summary>
public sealed record LoadReport
{
    public ChatRunResult? Chat { get; init; }
    /// <summary>The same load against the bare hub, when asked for.</summary>
    public ChatRunResult? Baseline { get; init; }
    public IdleRunResult? Idle { get; init; }

    /// <summary>Wrong streams or stored replies on the real hub: anything above 0 fails the run.</summary>
    public int CorrectnessFailures => Chat?.Correctness.Total ?? 0;
}
