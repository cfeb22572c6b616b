using ChatHub.Contracts;

namespace ChatHub.LoadTest.Cli;

/// <summary>One load run: who is simulated, against what, and for how long at most.</summary>
public sealed record LoadOptions
{
    /// <summary>Hub nodes to drive; empty: the tool starts the real service in this process.</summary>
    public IReadOnlyList<Uri> Nodes { get; init; } = [];
    public int Users { get; init; } = 50;
    public int Messages { get; init; } = 3;
    public TimeSpan RampUp { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Think { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Hard cap on each run (the real hub's, then the bare hub's): the tool stops by itself.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);
    public HubProtocol Protocol { get; init; } = HubProtocol.Json;
    /// <summary>Idle authenticated connections to open instead of chatting; 0 runs chat sessions.</summary>
    public int Idle { get; init; }
    /// <summary>How long idle connections stay open before memory is read and they close.</summary>
    public TimeSpan IdleHold { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Fraction of users that also watch from a second device, on the next node.</summary>
    public double SecondDeviceRatio { get; init; }
    public string? CsvPath { get; init; }
    public string? JsonPath { get; init; }
    /// <summary>After the real hub, run the same load against a bare SignalR hub in this process.</summary>
    public bool Baseline { get; init; }
    public int ModelTimeToFirstTokenMs { get; init; }
    public double ModelTokensPerSecond { get; init; } = 40;
    public int MaxConcurrentRepliesPerUser { get; init; } = 2;
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Registration hashes a password (~100 ms of server CPU), so it runs few at a time and before the chat.</summary>
    public int RegisterParallelism { get; init; } = 4;
    public int ConnectParallelism { get; init; } = 64;
    /// <summary>A server process on this machine whose resident memory the idle run reports.</summary>
    public int? ServerPid { get; init; }

    /// <summary>The soak instead of one run: two node processes and a redis-server of its own, broken on a schedule.</summary>
    public bool Soak { get; init; }
    public TimeSpan StallEvery { get; init; } = TimeSpan.FromMinutes(2);
    public TimeSpan StallFor { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>When the soak kills the second node; halfway through when null.</summary>
    public TimeSpan? KillAt { get; init; }
    public string ServerDll { get; init; } = Path.Combine("src", "ChatHub", "bin", "Release", "net10.0", "ChatHub.dll");
    public string RedisServer { get; init; } = "redis-server";

    public bool SelfHosted => Nodes.Count == 0;
}
