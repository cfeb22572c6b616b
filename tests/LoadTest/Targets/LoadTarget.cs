namespace ChatHub.LoadTest.Targets;

/// <summary>Hub nodes to drive, how sessions set themselves up there, and the server the tool started, if any.</summary>
public sealed class LoadTarget(string name, IReadOnlyList<Uri> nodes, IChatSetup setup, IAsyncDisposable? host = null, IServiceProvider? services = null) : IAsyncDisposable
{
    /// <summary>The services of the server this tool started, where their measurements can be read; null for remote nodes.</summary>
    public IServiceProvider? Services { get; } = services;

    public string Name { get; } = name;
    public IReadOnlyList<Uri> Nodes { get; } = nodes;
    public IChatSetup Setup { get; } = setup;

    public async ValueTask DisposeAsync()
    {
        (Setup as IDisposable)?.Dispose();
        if (host is not null) await host.DisposeAsync();
    }
}
