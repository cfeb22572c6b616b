using ChatHub.Contracts;

namespace ChatHub.LoadTest.Engine;

/// <summary>One started hub connection through the typed proxy, counted while it is open.</summary>
public sealed class Device(ChatHubProxy hub, DeviceListener listener) : IAsyncDisposable
{
    public ChatHubProxy Hub { get; } = hub;
    public DeviceListener Listener { get; } = listener;

    public static async Task<Device> ConnectAsync(Uri node, string? accessToken, HubProtocol protocol, RunState state, CancellationToken cancellationToken)
    {
        var hub = ChatHubProxy.Create(node, () => Task.FromResult(accessToken), protocol);
        var listener = new DeviceListener(state.Live);
        hub.Register(listener);
        try
        {
            await hub.StartAsync(cancellationToken);
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
        state.Live.Connected();
        hub.Connection.Closed += error =>
        {
            state.Live.Disconnected();
            if (error is not null) state.Errors.Add("connection lost", error);
            return Task.CompletedTask;
        };
        return new Device(hub, listener);
    }

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}
