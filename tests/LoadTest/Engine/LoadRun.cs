using ChatHub.LoadTest.Baseline;
using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Report;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Engine;

/// <summary>The tool's engine: what the console app and the CI smoke test both run.</summary>
public static class LoadRun
{
    public static async Task<LoadReport> RunAsync(LoadOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        if (options.Idle > 0)
        {
            await using var target = await OpenAsync(options, cancellationToken);
            return new LoadReport { Idle = await IdleLoad.RunAsync(target, options, output, cancellationToken) };
        }

        ChatRunResult chat;
        // The real server is stopped before the bare one starts, so the two never share the CPU.
        await using (var target = await OpenAsync(options, cancellationToken))
        {
            chat = await ChatLoad.RunAsync(target, options, output, cancellationToken);
        }
        if (!options.Baseline) return new LoadReport { Chat = chat };

        var pace = new BarePace(options.ModelTimeToFirstTokenMs, options.ModelTokensPerSecond, Math.Max(1, (int)Math.Round(chat.MeanTokensPerReply)));
        await using var bare = await BareServer.StartAsync(pace, cancellationToken);
        return new LoadReport { Chat = chat, Baseline = await ChatLoad.RunAsync(bare, options, output, cancellationToken) };
    }

    private static async Task<LoadTarget> OpenAsync(LoadOptions options, CancellationToken cancellationToken) =>
        options.SelfHosted
            ? await SelfHostedServer.StartAsync(options, cancellationToken)
            : new LoadTarget(string.Join(",", options.Nodes), options.Nodes, new RestSetup());
}
