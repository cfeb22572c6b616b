using System.Globalization;
using ChatHub.Contracts;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Cli;

/// <summary>Reads <c>--name value</c> or <c>--name=value</c> pairs into <see cref="LoadOptions"/>.</summary>
public static class OptionParser
{
    private static readonly Dictionary<string, Func<LoadOptions, string, LoadOptions>> Setters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--nodes"] = (o, v) => o with { Nodes = [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Loopback.Parse)] },
        ["--users"] = (o, v) => o with { Users = Count(v, min: 1) },
        ["--messages"] = (o, v) => o with { Messages = Count(v, min: 1) },
        ["--ramp-up"] = (o, v) => o with { RampUp = TimeSpan.FromSeconds(Number(v)) },
        ["--think-ms"] = (o, v) => o with { Think = TimeSpan.FromMilliseconds(Number(v)) },
        ["--duration"] = (o, v) => o with { Duration = TimeSpan.FromSeconds(Number(v, min: 1)) },
        ["--protocol"] = (o, v) => o with { Protocol = Protocol(v) },
        ["--idle"] = (o, v) => o with { Idle = Count(v, min: 1) },
        ["--idle-hold"] = (o, v) => o with { IdleHold = TimeSpan.FromSeconds(Number(v)) },
        ["--second-device-ratio"] = (o, v) => o with { SecondDeviceRatio = Fraction(v) },
        ["--csv"] = (o, v) => o with { CsvPath = v },
        ["--json"] = (o, v) => o with { JsonPath = v },
        ["--baseline"] = (o, _) => o with { Baseline = true },
        ["--model-ttft-ms"] = (o, v) => o with { ModelTimeToFirstTokenMs = Count(v, min: 0) },
        ["--tokens-per-second"] = (o, v) => o with { ModelTokensPerSecond = Number(v, min: 0.001) },
        ["--max-replies-per-user"] = (o, v) => o with { MaxConcurrentRepliesPerUser = Count(v, min: 1) },
        ["--reply-timeout"] = (o, v) => o with { ReplyTimeout = TimeSpan.FromSeconds(Number(v, min: 1)) },
        ["--register-parallelism"] = (o, v) => o with { RegisterParallelism = Count(v, min: 1) },
        ["--connect-parallelism"] = (o, v) => o with { ConnectParallelism = Count(v, min: 1) },
        ["--server-pid"] = (o, v) => o with { ServerPid = Count(v, min: 1) },
        ["--soak"] = (o, _) => o with { Soak = true },
        ["--stall-every"] = (o, v) => o with { StallEvery = TimeSpan.FromSeconds(Number(v, min: 1)) },
        ["--stall-for"] = (o, v) => o with { StallFor = TimeSpan.FromSeconds(Number(v)) },
        ["--kill-at"] = (o, v) => o with { KillAt = TimeSpan.FromSeconds(Number(v)) },
        ["--server-dll"] = (o, v) => o with { ServerDll = v },
        ["--redis-server"] = (o, v) => o with { RedisServer = v },
    };

    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase) { "--baseline", "--soak" };

    public const string Usage = """
        LoadTest [options]   drives simulated chat users against CharacterChat hub nodes (loopback only)

          --nodes URL[,URL]           hub nodes (127.0.0.1, localhost or [::1]); default: start the service in-process
          --users N                   simulated users (default 50)
          --messages M                messages per user (default 3)
          --ramp-up S                 seconds over which sessions start (default 5)
          --think-ms MS               pause after each reply (default 500)
          --duration S                hard cap on each run, seconds (default 300)
          --protocol json|messagepack (default json)
          --second-device-ratio F     fraction of users also watching from a second device on the next node in --nodes
                                      (default 0; --nodes A,B,B,A puts half of them on the same node, half on the other)
          --baseline                  then run the same load against a bare SignalR hub and compare (self-hosted only)
          --idle N                    open N idle authenticated connections instead (spread over --users accounts)
          --idle-hold S               seconds idle connections stay open before memory is read (default 10)
          --server-pid PID            a separate server process whose RSS the idle run reports
          --csv PATH, --json PATH     also write the results there
          --model-ttft-ms MS          self-hosted: the simulated model's time to first token (default 0)
          --tokens-per-second R       self-hosted: the simulated model's pace (default 40; above 1000: unpaced)
          --max-replies-per-user N    self-hosted: Quotas:Free:ConcurrentReplies (default 2); the message quota is lifted
          --reply-timeout S           how long to wait for each reply to complete (default 30)
          --register-parallelism N    registrations at a time, before the chat starts (default 4)
          --connect-parallelism N     idle connections opened at a time (default 64)

          --soak                      the soak instead: starts a redis-server and two nodes (--server-dll) itself; --users
                                      sessions chat for --duration seconds while Redis is stalled and a node killed; then
                                      reports lost messages, stuck conversations and each node's RSS over time
          --stall-every S, --stall-for S   soak: SIGSTOP Redis for --stall-for seconds (10) every --stall-every (120)
          --kill-at S                 soak: SIGKILL the second node at S seconds and restart it (default: halfway)
          --server-dll PATH           soak: the built service (default src/ChatHub/bin/Release/net10.0/ChatHub.dll)
          --redis-server PATH         soak: the redis-server binary (default from PATH)
        """;

    /// <summary>The options, or an exception whose message says which argument is wrong.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, (string?)v) : (args[i], null);
            if (!Setters.TryGetValue(name, out var set)) throw new ArgumentException($"Unknown option {name}.");
            if (value is null && !Flags.Contains(name))
            {
                if (i + 1 >= args.Count) throw new ArgumentException($"{name} needs a value.");
                value = args[++i];
            }
            try
            {
                options = set(options, value ?? "");
            }
            catch (FormatException ex)
            {
                throw new ArgumentException($"{name}: {ex.Message}", ex);
            }
        }
        if (options.Baseline && !options.SelfHosted) throw new ArgumentException("--baseline compares in-process servers: leave out --nodes.");
        if (options.Soak && (options.Baseline || options.Idle > 0 || !options.SelfHosted)) throw new ArgumentException("--soak starts its own nodes: leave out --nodes, --baseline and --idle.");
        if (options.Baseline && options.Idle > 0) throw new ArgumentException("--baseline compares chat runs: leave out --idle.");
        return options;
    }

    private static int Count(string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new FormatException($"'{value}' is not a whole number of at least {min}.");

    private static double Number(string value, double min = 0) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && double.IsFinite(n)
            ? n
            : throw new FormatException($"'{value}' is not a number of at least {min}.");

    private static double Fraction(string value) =>
        Number(value) is var f && f <= 1 ? f : throw new FormatException($"'{value}' is not between 0 and 1.");

    private static HubProtocol Protocol(string value) => value.ToLowerInvariant() switch
    {
        "json" => HubProtocol.Json,
        "messagepack" or "msgpack" => HubProtocol.MessagePack,
        _ => throw new FormatException($"'{value}' is not json or messagepack."),
    };
}
