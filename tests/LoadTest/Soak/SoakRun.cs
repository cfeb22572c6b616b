using System.Diagnostics;
using System.Globalization;
using ChatHub.Contracts;
using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Soak;

/// <summary>One reading of both nodes' resident memory, <see cref="At"/> after the load started.</summary>
public sealed record RssSample(TimeSpan At, long?[] Bytes);

/// <summary>What a soak found: the counts it promises to keep at zero, and what happened on the way.</summary>
public sealed record SoakReport(
    int Sessions, TimeSpan Load, SoakTally Tally, int Stalls, bool Killed,
    int UserMessages, int Lost, int Interrupted, int FailedReplies, int Stuck, IReadOnlyList<RssSample> Rss)
{
    public bool Passed => Lost == 0 && Stuck == 0;
}

/// <summary>
/// The soak (<c>--soak</c>): two nodes and Redis as processes, sessions chatting for <c>--duration</c> while Redis
/// is stalled <c>--stall-for</c> seconds every <c>--stall-every</c> and one node is killed (SIGKILL) and restarted
/// at <c>--kill-at</c>; then every stored user message must have a reply, and every conversation take a new message.
/// </summary>
public static class SoakRun
{
    private static readonly TimeSpan RssEvery = TimeSpan.FromSeconds(10);
    // Longer than a reply lease (6 s) and its sweep, so the survivor has ended the dead node's replies.
    private static readonly TimeSpan SettleFor = TimeSpan.FromSeconds(90);

    public static async Task<SoakReport> RunAsync(LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var cluster = await SoakCluster.StartAsync(options, cancellationToken);
        output.WriteLine($"soak: redis + nodes {string.Join(", ", cluster.Nodes)}; setting up {options.Users} sessions");
        using var setup = new RestSetup();
        var tally = new SoakTally();
        var sessions = await SetUpAsync(cluster, setup, options, tally, cancellationToken);

        using var load = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        var rss = new List<RssSample>();
        var sampling = SampleAsync(cluster, clock, rss, load.Token);
        var running = sessions.Select(s => s.RunAsync(load.Token)).ToList();
        var (stalls, killed) = await BreakAsync(cluster, options, clock, output, cancellationToken);
        await load.CancelAsync();
        await Task.WhenAll(running);
        await sampling;
        var loadTime = clock.Elapsed;

        output.WriteLine($"soak: load over after {loadTime:mm\\:ss}; checking every conversation");
        var crashed = cluster.Crashed();
        if (crashed.Count > 0) throw new InvalidOperationException($"A node ended by itself: {string.Join("; ", crashed)}.");
        var (userMessages, lost, interrupted, failed) = await CheckRepliesAsync(cluster, setup, sessions, cancellationToken);
        var stuck = await CheckNewMessagesAsync(sessions, cancellationToken);
        foreach (var session in sessions) await session.DisposeAsync();
        return new SoakReport(sessions.Count, loadTime, tally, stalls, killed, userMessages, lost, interrupted, failed, stuck, rss);
    }

    public static void Write(SoakReport report, LoadOptions options, TextWriter output)
    {
        var t = report.Tally;
        output.WriteLine();
        output.WriteLine($"Soak: {report.Sessions} sessions on 2 nodes for {report.Load:mm\\:ss}; Redis stalled {report.Stalls} times for {options.StallFor.TotalSeconds:0} s; node 2 {(report.Killed ? "killed (SIGKILL) and restarted once" : "not killed")}");
        output.WriteLine($"  turns answered {t.Turns}: replies completed {t.Completed}, failed or stopped {t.Failed}, end not heard in time {t.EndNotSeen}");
        output.WriteLine($"  sends retried: {(t.SendErrors.Count == 0 ? "none" : string.Join("; ", t.SendErrors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} x{e.Value}")))}");
        output.WriteLine($"  stored user messages {report.UserMessages}: without a reply (lost) {report.Lost}; failed replies {report.FailedReplies}, of them interrupted {report.Interrupted}");
        output.WriteLine($"  conversations that refused or did not answer a new message at the end (stuck): {report.Stuck} of {report.Sessions}");
        output.WriteLine("  RSS (MB) per node over time:");
        output.WriteLine("    time   node 1   node 2");
        foreach (var sample in report.Rss.Where((_, i) => i % 6 == 0).Append(report.Rss[^1]).DistinctBy(r => r.At))
        {
            output.WriteLine($"    {sample.At:mm\\:ss}  {Mb(sample.Bytes[0]),7}  {Mb(sample.Bytes[1]),7}");
        }
        output.WriteLine(report.Passed ? "  PASS: 0 lost, 0 stuck" : "  FAIL");
    }

    private static string Mb(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0", CultureInfo.InvariantCulture) : "down";

    /// <summary>Accounts (a password hash each, so few at a time), a conversation each, alternating between the nodes.</summary>
    private static async Task<List<SoakSession>> SetUpAsync(SoakCluster cluster, RestSetup setup, LoadOptions options, SoakTally tally, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var sessions = new SoakSession?[options.Users];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Users), new ParallelOptions { MaxDegreeOfParallelism = options.RegisterParallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var node = cluster.Nodes[i % 2];
            var token = await setup.RegisterAsync(node, $"soak-{runId}-{i}@load.test", ct);
            var conversation = await setup.CreateConversationAsync(node, token, ct);
            sessions[i] = new SoakSession(i, runId, node, token!, conversation, options, tally);
        });
        return [.. sessions.OfType<SoakSession>()];
    }

    /// <summary>The faults, on schedule, until the load time is up.</summary>
    private static async Task<(int Stalls, bool Killed)> BreakAsync(SoakCluster cluster, LoadOptions options, Stopwatch clock, TextWriter output, CancellationToken cancellationToken)
    {
        var (stalls, killed) = (0, false);
        var killAt = options.KillAt ?? options.Duration / 2;
        var nextStall = options.StallEvery;
        while (clock.Elapsed < options.Duration && !cancellationToken.IsCancellationRequested)
        {
            if (!killed && clock.Elapsed >= killAt)
            {
                output.WriteLine($"soak {clock.Elapsed:mm\\:ss}: SIGKILL node 2, restart");
                await cluster.KillNodeAsync(1);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                await cluster.StartNodeAsync(1, cancellationToken);
                killed = true;
            }
            else if (clock.Elapsed >= nextStall && clock.Elapsed + options.StallFor < options.Duration)
            {
                output.WriteLine($"soak {clock.Elapsed:mm\\:ss}: Redis stalled (SIGSTOP) for {options.StallFor.TotalSeconds:0} s");
                cluster.StallRedis();
                try
                {
                    await Task.Delay(options.StallFor, cancellationToken);
                }
                finally
                {
                    cluster.ResumeRedis();
                }
                stalls++;
                nextStall += options.StallEvery;
            }
            else
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        return (stalls, killed);
    }

    private static async Task SampleAsync(SoakCluster cluster, Stopwatch clock, List<RssSample> samples, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RssEvery);
        do
        {
            samples.Add(new RssSample(clock.Elapsed, cluster.Rss()));
        }
        while (await WaitAsync(timer, cancellationToken));
        samples.Add(new RssSample(clock.Elapsed, cluster.Rss()));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Every stored user message has a reply (complete, stopped, or failed: interrupted where a node died writing
    /// it). Replies still running when the load stopped are given time to end first.
    /// </summary>
    private static async Task<(int UserMessages, int Lost, int Interrupted, int Failed)> CheckRepliesAsync(
        SoakCluster cluster, RestSetup setup, List<SoakSession> sessions, CancellationToken cancellationToken)
    {
        var settle = Stopwatch.StartNew();
        while (true)
        {
            var histories = new IReadOnlyList<MessageDto>?[sessions.Count];
            await Parallel.ForEachAsync(Enumerable.Range(0, sessions.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
                histories[i] = await setup.HistoryAsync(cluster.Nodes[0], sessions[i].AccessToken, sessions[i].ConversationId, ct));
            var messages = histories.SelectMany(h => h ?? []).ToList();
            var answered = messages.Where(m => m.Sender == MessageValues.SenderAi && m.InReplyTo is not null).Select(m => m.InReplyTo!).ToHashSet();
            var users = messages.Where(m => m.Sender == MessageValues.SenderUser).ToList();
            var lost = users.Count(m => !answered.Contains(m.Id));
            if (lost == 0 || settle.Elapsed > SettleFor)
            {
                var failed = messages.Where(m => m.Sender == MessageValues.SenderAi && m.Status == MessageValues.StatusFailed).ToList();
                return (users.Count, lost, failed.Count(m => m.Error == MessageValues.ErrorInterrupted), failed.Count);
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    private static async Task<int> CheckNewMessagesAsync(List<SoakSession> sessions, CancellationToken cancellationToken)
    {
        var stuck = 0;
        await Parallel.ForEachAsync(sessions, new ParallelOptions { MaxDegreeOfParallelism = 20, CancellationToken = cancellationToken }, async (session, ct) =>
        {
            if (!await session.FinalTurnAsync(ct)) Interlocked.Increment(ref stuck);
        });
        return stuck;
    }
}
