using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Report;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Engine;

/// <summary>One chat run: register, ramp sessions up, chat, check the stored history, close.</summary>
public static class ChatLoad
{
    /// <summary>The history check runs after the --duration cap, under a bound of its own.</summary>
    private static readonly TimeSpan VerifyLimit = TimeSpan.FromMinutes(2);

    public static async Task<ChatRunResult> RunAsync(LoadTarget target, LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var scope = RunScope.Start(target.Name, target, options, output, cancellationToken);
        var state = scope.State;

        if (target.Setup.HasAccounts) output.WriteLine($"{target.Name}: registering {options.Users} users, {options.RegisterParallelism} at a time");
        var (accounts, registration) = await Registrar.RegisterAsync(options.Users, state, scope.Capped);
        var sessions = accounts.Select((account, i) => account is null ? null : new UserSession(i, account.AccessToken, state)).OfType<UserSession>().ToArray();

        double chatSeconds, cpuSeconds;
        long allocated;
        output.WriteLine($"{target.Name}: {sessions.Length} sessions over {options.RampUp.TotalSeconds:F0}s, {options.Messages} messages each");
        using (ServerTimings.Listen(target.Services, state.Samples))
        {
            var (chatStart, cpuStart, allocatedStart) = (Clock.Now, Environment.CpuUsage.TotalTime, GC.GetTotalAllocatedBytes());
            await Task.WhenAll(sessions.Select(s => s.RunAsync(options.RampUp * s.Index / options.Users, scope.Capped)));
            chatSeconds = Clock.MsSince(chatStart) / 1000;
            cpuSeconds = (Environment.CpuUsage.TotalTime - cpuStart).TotalSeconds;
            allocated = GC.GetTotalAllocatedBytes() - allocatedStart;
        }
        var (deltas, tokens) = (state.Live.Deltas, state.Live.Tokens);

        using var verify = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        verify.CancelAfter(VerifyLimit);
        try
        {
            await HistoryCheck.RunAsync(sessions, state, verify.Token);
        }
        catch (OperationCanceledException) when (verify.IsCancellationRequested)
        {
            state.Errors.Add("history check cut short");
        }
        await Device.CloseAllAsync(sessions.SelectMany(s => s.Devices));

        var turns = sessions.SelectMany(s => s.Turns).ToArray();
        return new ChatRunResult
        {
            Target = target.Name,
            Protocol = options.Protocol,
            Users = options.Users,
            MessagesPerUser = options.Messages,
            SecondDevices = sessions.Count(s => s.Devices.Count > 1),
            RepliesExpected = options.Users * options.Messages,
            RepliesCompleted = turns.Length,
            RegistrationSeconds = registration.TotalSeconds,
            ChatSeconds = chatSeconds,
            PeakConnections = state.Live.PeakConnections,
            DeltasReceived = deltas,
            DeltasPerSecond = deltas / chatSeconds,
            MeanDeltasPerReply = turns.Length == 0 ? 0 : turns.Average(t => t.Deltas),
            TokensReceived = tokens,
            TokensPerSecond = tokens / chatSeconds,
            MeanTokensPerReply = turns.Length == 0 ? 0 : turns.Average(t => t.Tokens),
            CpuSeconds = cpuSeconds,
            AllocatedBytes = allocated,
            Latencies = state.Samples.Summarize(),
            Errors = state.Errors.Counts,
            Correctness = state.Correctness.Read(),
        };
    }
}
