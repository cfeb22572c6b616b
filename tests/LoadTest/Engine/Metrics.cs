namespace ChatHub.LoadTest.Engine;

/// <summary>The measured quantities, in the order the report shows them.</summary>
public static class Metrics
{
    public const string Registration = "registration (ms)";
    public const string Connect = "connect (ms)";
    public const string Ack = "SendMessage ack (ms)";
    public const string FirstDelta = "time to first delta (ms)";
    public const string FirstDeltaSecondDevice = "time to first delta, 2nd device (ms)";
    public const string Gap = "inter-delta gap (ms)";
    public const string Completion = "completion (ms)";
    public const string StreamRate = "tokens/s per reply";

    public static readonly IReadOnlyList<string> Order = [Registration, Connect, Ack, FirstDelta, FirstDeltaSecondDevice, Gap, Completion, StreamRate];
}
