using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat.Connections;

/// <summary>
/// Closes a connection that sends nothing for <c>Hub:ClientTimeoutSeconds</c>. SignalR has that timeout too, but
/// starts it only at a client's first ping (for clients too old to ping), so a client that never pings, never
/// speaks after its handshake, was never dropped. This watches every connection from its first moment: the hub's
/// reader of its input (<see cref="QuietReader"/>) is looked at on each of the connection's heartbeats, once a second.
/// </summary>
public sealed partial class ClientTimeoutFilter(IOptions<HubSettings> settings, ILogger<ClientTimeoutFilter> logger) : IHubFilter
{
    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var connection = context.Context;
        var timeout = TimeSpan.FromSeconds(settings.Value.ClientTimeoutSeconds);
        // Before the hub starts reading the connection's messages, which happens once OnConnected has run.
        if (connection.Features.Get<IConnectionTransportFeature>() is { } transport
            && connection.Features.Get<IConnectionHeartbeatFeature>() is { } heartbeat)
        {
            var reader = new QuietReader(transport.Transport.Input);
            transport.Transport = new Pipe(reader, transport.Transport.Output);
            heartbeat.OnHeartbeat(_ =>
            {
                if (reader.Waiting < timeout || connection.ConnectionAborted.IsCancellationRequested) return;
                LogSilent(logger, connection.ConnectionId, settings.Value.ClientTimeoutSeconds);
                connection.Abort();
            }, reader);
        }
        return next(context);
    }

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Connection {ConnectionId} sent nothing for {Seconds} s; it is closed")]
    private static partial void LogSilent(ILogger logger, string connectionId, int seconds);
}
