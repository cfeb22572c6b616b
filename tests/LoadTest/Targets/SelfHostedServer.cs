using System.Globalization;
using ChatHub.LoadTest.Cli;

namespace ChatHub.LoadTest.Targets;

/// <summary>The real service started in this process, with its own temporary data and the simulated model.</summary>
public static class SelfHostedServer
{
    public const string Name = "CharacterChat hub";
    private const int UnlimitedMessagesPerMinute = 100_000;

    public static async Task<LoadTarget> StartAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("chathub-load-").FullName;
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--DataDir={dataDir}",
            $"--Llm:Simulated:TimeToFirstTokenMs={options.ModelTimeToFirstTokenMs}",
            $"--Llm:Simulated:TokensPerSecond={options.ModelTokensPerSecond.ToString(CultureInfo.InvariantCulture)}",
            // Load users register with the free role; the load's pace is --think-ms, not the free quota's 20 a minute.
            $"--Quotas:Free:ConcurrentReplies={options.MaxConcurrentRepliesPerUser}",
            $"--Quotas:Free:MessagesPerMinute={UnlimitedMessagesPerMinute}",
            "--Logging:LogLevel:Default=Warning",
            // Every load user signs up from loopback.
            "--Limits:AnonymousAuthPerMinute=1000000",
            // Registration is not what a load run measures: hash as many at once as it registers.
            "--Limits:ConcurrentPasswordHashes=4",
            // Keys in a throwaway data dir need no encryption at rest: keep its warning out of the progress lines.
            "--Logging:LogLevel:Microsoft.AspNetCore.DataProtection=Error",
        ];
        var app = await StartedApp.StartAsync(ChatHubApp.Build(args), dataDir, cancellationToken);
        return new LoadTarget(Name, [app.Address], new RestSetup(), app, app.Services);
    }
}
