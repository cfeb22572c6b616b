namespace ChatHub.Tests.Support;

/// <summary>One server for a test class whose tests need no settings of their own; each test still makes its own users.</summary>
public sealed class SharedServer : IAsyncLifetime
{
    private ChatServer? _server;

    public ChatServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync() => _server = await ChatServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
