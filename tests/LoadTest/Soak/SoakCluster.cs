using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Engine;

namespace ChatHub.LoadTest.Soak;

/// <summary>
/// What the soak runs against and breaks: one real redis-server and two service processes sharing its connection
/// string and one data dir, each on its own port. Redis is stalled with SIGSTOP/SIGCONT, a node killed with SIGKILL.
/// </summary>
public sealed class SoakCluster : IAsyncDisposable
{
    private readonly LoadOptions _options;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("chathub-soak-").FullName;
    private readonly int _redisPort = FreePort();
    private readonly Process _redis;
    private readonly Process?[] _nodes = new Process?[2];

    private SoakCluster(LoadOptions options)
    {
        _options = options;
        Nodes = [new Uri($"http://127.0.0.1:{FreePort()}"), new Uri($"http://127.0.0.1:{FreePort()}")];
        _redis = Start(options.RedisServer, ["--port", $"{_redisPort}", "--save", "", "--appendonly", "no"]);
    }

    public IReadOnlyList<Uri> Nodes { get; }

    public static async Task<SoakCluster> StartAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var cluster = new SoakCluster(options);
        try
        {
            for (var i = 0; i < cluster._nodes.Length; i++) await cluster.StartNodeAsync(i, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Nodes that ended without being killed by the soak, with their exit codes.</summary>
    public IReadOnlyList<string> Crashed() =>
        [.. _nodes.Select((n, i) => n is { HasExited: true } ? $"node {i + 1} exited with code {n.ExitCode}" : null).OfType<string>()];

    /// <summary>The resident memory of each node now (null while one is down).</summary>
    public long?[] Rss() => [.. _nodes.Select(n => n is { HasExited: false } ? ServerMemory.ResidentBytes(n.Id) : null)];

    /// <summary>Redis stops answering, its connections kept open, as a stuck process or a full disk does.</summary>
    public void StallRedis() => Signal(_redis.Id, "STOP");

    public void ResumeRedis() => Signal(_redis.Id, "CONT");

    /// <summary>SIGKILL: no drain, no goodbye to Redis; the survivor ends its replies when their leases run out.</summary>
    public async Task KillNodeAsync(int index)
    {
        if (_nodes[index] is not { } node) return;
        node.Kill(entireProcessTree: true);
        await node.WaitForExitAsync();
        node.Dispose();
        _nodes[index] = null;
    }

    public async Task StartNodeAsync(int index, CancellationToken cancellationToken)
    {
        string[] args =
        [
            _options.ServerDll, $"--urls={Nodes[index]}", $"--DataDir={_dataDir}", $"--ConnectionStrings:Redis=127.0.0.1:{_redisPort}",
            $"--Llm:Simulated:TimeToFirstTokenMs={_options.ModelTimeToFirstTokenMs}",
            $"--Llm:Simulated:TokensPerSecond={_options.ModelTokensPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            "--Quotas:Free:MessagesPerMinute=100000", $"--Quotas:Free:ConcurrentReplies={_options.MaxConcurrentRepliesPerUser}",
            "--Limits:AnonymousAuthPerMinute=1000000", $"--Limits:ConcurrentPasswordHashes={_options.RegisterParallelism}",
            // Sessions outlive the default 15 minutes of an access token; the soak is about faults, not sign-in.
            "--Auth:AccessTokenMinutes=600", "--Logging:LogLevel:Default=Warning",
        ];
        _nodes[index] = Start("dotnet", args);
        using var http = new HttpClient { BaseAddress = Nodes[index], Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/health/live", cancellationToken)).IsSuccessStatusCode) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not serving yet
            }
            if (_nodes[index]!.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new InvalidOperationException($"Node {Nodes[index]} did not start.");
            await Task.Delay(200, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ResumeRedis();
        for (var i = 0; i < _nodes.Length; i++) await KillNodeAsync(i);
        _redis.Kill();
        await _redis.WaitForExitAsync();
        _redis.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // the temp dir is cleaned by the OS anyway
        }
    }

    private static Process Start(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
        // Nodes log at Warning and above: every line of theirs is worth seeing beside the soak's own.
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"[{Path.GetFileName(file)} {process.Id}] {line}"); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine($"[{Path.GetFileName(file)} {process.Id}] {line}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", $"{pid}"]);
        kill.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
