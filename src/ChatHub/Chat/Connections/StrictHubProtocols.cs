using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ChatHub.Chat.Connections;

/// <summary>
/// Stands in for SignalR's protocol resolver and hands out each registered protocol wrapped in a
/// <see cref="StrictHubProtocol"/>. Swapping the resolver, not the protocols, holds whatever registers them later
/// (the Redis backplane's <c>AddSignalR()</c> adds them again).
/// </summary>
public sealed class StrictHubProtocols : IHubProtocolResolver
{
    private readonly Dictionary<string, IHubProtocol> _byName;

    public StrictHubProtocols(IEnumerable<IHubProtocol> protocols, ILogger<StrictHubProtocol> logger)
    {
        // Like SignalR's own resolver: of two with one name, the one registered last.
        _byName = protocols.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IHubProtocol)new StrictHubProtocol(g.Last(), logger), StringComparer.OrdinalIgnoreCase);
        AllProtocols = [.. _byName.Values];
    }

    public IReadOnlyList<IHubProtocol> AllProtocols { get; }

    public IHubProtocol? GetProtocol(string protocolName, IReadOnlyList<string>? supportedProtocols) =>
        _byName.TryGetValue(protocolName, out var protocol)
        && (supportedProtocols is null || supportedProtocols.Contains(protocolName, StringComparer.OrdinalIgnoreCase))
            ? protocol
            : null;
}
