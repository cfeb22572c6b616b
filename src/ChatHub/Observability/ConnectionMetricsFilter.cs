using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Observability;

/// <summary>Counts the hub connections open on this node, so the hub itself stays about chat.</summary>
public sealed class ConnectionMetricsFilter(ChatMetrics metrics) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        // Only now: a connection whose OnConnected throws is closed without OnDisconnected.
        metrics.ConnectionOpened();
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        metrics.ConnectionClosed();
        await next(context, exception);
    }
}
