using System.Collections.Concurrent;
using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Report;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Engine;

/// <summary>
/// Opens many authenticated hub connections that do nothing, and reads the server's memory before
/// and after. Connections share a pool of accounts: what a connection costs does not depend on
/// whose it is, and registering 10,000 accounts would mostly measure password hashing.
/// </summary>
public static class IdleLoad
{
    public static async Task<IdleRunResult> RunAsync(LoadTarget target, LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var scope = RunScope.Start($"{target.Name} idle", target, options, output, cancellationToken);
        var state = scope.State;

        var pool = Math.Min(options.Idle, options.Users);
        output.WriteLine($"{target.Name}: registering {pool} accounts for {options.Idle} idle connections");
        var (registered, registration) = await Registrar.RegisterAsync(pool, state, scope.Capped);
        var accounts = registered.OfType<Account>().ToArray();

        var before = ServerMemory.Read(options.ServerPid, options.SelfHosted);
        var devices = new ConcurrentBag<Device>();
        var connectStart = Clock.Now;
        if (accounts.Length > 0) await ConnectAsync(accounts, devices, state, scope.Capped);
        var connectSeconds = Clock.MsSince(connectStart) / 1000;
        output.WriteLine($"{target.Name}: {devices.Count} idle connections open; holding {options.IdleHold.TotalSeconds:F0}s");
        try
        {
            await Task.Delay(options.IdleHold, scope.Capped);
        }
        catch (OperationCanceledException) when (scope.Capped.IsCancellationRequested)
        {
            state.Errors.Add("hold cut short by --duration");
        }
        var after = ServerMemory.Read(options.ServerPid, options.SelfHosted);

        await Device.CloseAllAsync(devices);
        return new IdleRunResult
        {
            Target = target.Name,
            Requested = options.Idle,
            Connected = devices.Count,
            Accounts = accounts.Length,
            RegistrationSeconds = registration.TotalSeconds,
            ConnectSeconds = connectSeconds,
            Latencies = state.Samples.Summarize(),
            Before = before,
            After = after,
            Errors = state.Errors.Counts,
        };
    }

    private static async Task ConnectAsync(Account[] accounts, ConcurrentBag<Device> devices, RunState state, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = state.Options.ConnectParallelism, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, state.Options.Idle), parallel, async (i, ct) =>
            {
                var began = Clock.Now;
                try
                {
                    devices.Add(await Device.ConnectAsync(state.Node(i), accounts[i % accounts.Length].AccessToken, state.Options.Protocol, state, ct));
                    state.Samples.Add(Metrics.Connect, Clock.MsSince(began));
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    state.Errors.Add("connect", ex);
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            state.Errors.Add("connecting cut short by --duration");
        }
    }
}
