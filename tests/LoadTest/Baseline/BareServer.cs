using ChatHub.Contracts;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Baseline;

/// <summary>A minimal SignalR server in this process: the yardstick the real hub is measured against.</summary>
public static class BareServer
{
    public const string Name = "bare SignalR hub";

    public static async Task<LoadTarget> StartAsync(BarePace pace, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(pace);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BareStreamer>();
        builder.Services.AddSignalR().AddMessagePackProtocol();
        var app = builder.Build();
        app.MapHub<BareHub>(Routes.ChatHub);
        var started = await StartedApp.StartAsync(app, tempDir: null, cancellationToken);
        return new LoadTarget(Name, [started.Address], new BareSetup(), started);
    }
}
