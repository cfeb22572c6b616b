namespace ChatHub.Llm;

/// <summary>The resilience timings that are not configuration keys: production keeps the defaults, tests shorten them.</summary>
internal sealed record ResilienceTuning
{
    public static readonly ResilienceTuning Default = new();

    /// <summary>First retry delay; it doubles per retry, with jitter so many nodes do not retry in step.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    public double BreakerFailureRatio { get; init; } = 0.5;

    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    public int BreakerMinimumThroughput { get; init; } = 5;

    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(15);
}
