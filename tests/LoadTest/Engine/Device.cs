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

    /// <summary>Closes connections a bounded number at a time, so closing does not storm the server either.</summary>
    public static Task CloseAllAsync(IEnumerable<Device> devices) =>
        Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 64 }, (device, _) => device.DisposeAsync());

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}
