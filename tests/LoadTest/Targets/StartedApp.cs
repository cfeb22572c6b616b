using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChatHub.LoadTest.Targets;

/// <summary>An app this tool started on a free loopback port; disposing it stops it and removes its temporary data.</summary>
public sealed class StartedApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _tempDir;

    private StartedApp(WebApplication app, string? tempDir)
    {
        _app = app;
        _tempDir = tempDir;
        // Asked for port 0, so only the server knows the port it got.
        Address = Loopback.Parse(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<StartedApp> StartAsync(WebApplication app, string? tempDir, CancellationToken cancellationToken)
    {
        await app.StartAsync(cancellationToken);
        return new StartedApp(app, tempDir);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        if (_tempDir is null) return;
        try
        {
            Directory.Delete(_tempDir, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may hold the file a moment longer; the OS cleans its temp dir anyway.
        }
    }
}
