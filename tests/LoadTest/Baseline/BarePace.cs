namespace ChatHub.LoadTest.Baseline;

/// <summary>
/// What the bare hub streams: one token a delta, as many per reply as the real hub's replies had, at the
/// simulated model's pace, timed the way the simulated model times them.
/// </summary>
public sealed record BarePace(int TimeToFirstTokenMs, double TokensPerSecond, int TokensPerReply)
{
    public const string Token = "lorem ";

    public TimeSpan FirstToken => TimeSpan.FromMilliseconds(TimeToFirstTokenMs);

    // The same rule as the simulated model: past 1,000 tokens/s a timer cannot keep the pace, so none is kept.
    public TimeSpan BetweenTokens => TokensPerSecond is > 0 and <= 1000 ? TimeSpan.FromSeconds(1 / TokensPerSecond) : TimeSpan.Zero;
}
