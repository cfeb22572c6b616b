namespace ChatHub.LoadTest.Engine;

/// <summary>An account a session signs in with; a null token where the target needs none.</summary>
public sealed record Account(string? AccessToken);

/// <summary>
/// Registers every account before any session starts: each registration costs the server a
/// password hash, which would otherwise land in the middle of the chat latencies.
/// </summary>
public static class Registrar
{
    /// <returns>One entry per account, null where registration failed; and the wall time it took.</returns>
    public static async Task<(Account?[] Accounts, TimeSpan Elapsed)> RegisterAsync(int count, RunState state, CancellationToken cancellationToken)
    {
        var accounts = new Account?[count];
        if (!state.Target.Setup.HasAccounts)
        {
            Array.Fill(accounts, new Account(AccessToken: null));
            return (accounts, TimeSpan.Zero);
        }
        var start = Clock.Now;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = state.Options.RegisterParallelism, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, async (i, ct) =>
            {
                var began = Clock.Now;
                try
                {
                    var token = await state.Target.Setup.RegisterAsync(state.Node(i), $"load-{state.RunId}-{i}@load.test", ct);
                    state.Samples.Add(Metrics.Registration, Clock.MsSince(began));
                    accounts[i] = new Account(token);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    state.Errors.Add("register", ex);
                }
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            state.Errors.Add("registration cut short by --duration");
        }
        return (accounts, TimeSpan.FromMilliseconds(Clock.MsSince(start)));
    }
}
