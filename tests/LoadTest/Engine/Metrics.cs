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
    /// <summary>Per delta: when the second device got it minus when the first did, for second devices on the first one's node...</summary>
    public const string SecondDeviceLagSameNode = "2nd device lag per delta, same node (ms)";
    /// <summary>... and on another node: the difference between the two is what crossing nodes costs (list a node twice to get both in one run).</summary>
    public const string SecondDeviceLagOtherNode = "2nd device lag per delta, other node (ms)";
    public const string Gap = "inter-delta gap (ms)";
    public const string Completion = "completion (ms)";
    public const string StreamRate = "tokens/s per reply";

    public static readonly IReadOnlyList<string> Order = [Registration, Connect, Ack, FirstDelta, ServerFirstDelta, FirstDeltaSecondDevice, SecondDeviceLagSameNode, SecondDeviceLagOtherNode, Gap, Completion, StreamRate];
}
