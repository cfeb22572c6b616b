using System.ComponentModel.DataAnnotations;

namespace ChatHub.Chat.Connections;

/// <summary>The <c>Hub</c> configuration section: how many connections a user may hold, and when a quiet one is dropped.</summary>
public sealed class HubSettings
{
    public const string Section = "Hub";

    /// <summary>Open hub connections per user, over every node when Redis is configured; one more is refused.</summary>
    [Range(1, 10_000)]
    public int MaxConnectionsPerUser { get; set; } = 20;

    /// <summary>
    /// How often the server pings a connection it has sent nothing to. A client drops the server after its own
    /// server timeout (30 s in SignalR's clients), so keep this well under half of that.
    /// </summary>
    [Range(1, 300)]
    public int KeepAliveSeconds { get; set; } = 15;

    /// <summary>
    /// A connection that sends nothing, not even a ping, for this long is closed. SignalR's clients ping every
    /// 15 s, so keep this at least twice the clients' keep-alive.
    /// </summary>
    [Range(1, 3600)]
    public int ClientTimeoutSeconds { get; set; } = 30;

    /// <summary>How long a new connection has to send its handshake before it is closed.</summary>
    [Range(1, 300)]
    public int HandshakeTimeoutSeconds { get; set; } = 15;
}
