namespace ChatHub.LoadTest.Engine;

/// <summary>The measured quantities, in the order the report shows them.</summary>
public static class Metrics
{
    public const string Registration = "registration (ms)";
    public const string Connect = "connect (ms)";
    public const string Ack = "SendMessage ack (ms)";
    public const string FirstDelta = "time to first delta (ms)";
    /// <summary>Self-hosted only: the server's own time to first token, from the message reaching the hub to the first delta going out.</summary>
    public const string ServerFirstDelta = "server: message in to first delta (ms)";
    public const string FirstDeltaSecondDevice = "time to first delta, 2nd device (ms)";
    /// <summary>Per delta: when the second device got it minus when the first did (with two nodes: the cross-node cost).</summary>
    public const string SecondDeviceLag = "2nd device lag per delta (ms)";
    public const string Gap = "inter-delta gap (ms)";
    public const string Completion = "completion (ms)";
    public const string StreamRate = "tokens/s per reply";

    public static readonly IReadOnlyList<string> Order = [Registration, Connect, Ack, FirstDelta, ServerFirstDelta, FirstDeltaSecondDevice, SecondDeviceLag, Gap, Completion, StreamRate];
}
