namespace ChatHub.LoadTest.Targets;

/// <summary>Hub nodes to drive, how sessions set themselves up there, and the server the tool started, if any.</summary>
public sealed class LoadTarget(string name, IReadOnlyList<Uri> nodes, IChatSetup setup, IAsyncDisposable? host = null) : IAsyncDisposable
{
    public string Name { get; } = name;
    public IReadOnlyList<Uri> Nodes { get; } = nodes;
    public IChatSetup Setup { get; } = setup;

    public async ValueTask DisposeAsync()
    {
        (Setup as IDisposable)?.Dispose();
        if (host is not null) await host.DisposeAsync();
    }
}
