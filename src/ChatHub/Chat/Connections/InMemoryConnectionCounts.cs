namespace ChatHub.Chat.Connections;

/// <summary>The connections open on this node, by user.</summary>
public sealed class InMemoryConnectionCounts : IConnectionCounts
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<string>> _byUser = [];

    public ValueTask<bool> TryAddAsync(string userId, string connectionId, int max)
    {
        lock (_lock)
        {
            if (!_byUser.TryGetValue(userId, out var open)) _byUser[userId] = open = [];
            return ValueTask.FromResult(open.Count < max && open.Add(connectionId));
        }
    }

    public ValueTask RemoveAsync(string userId, string connectionId)
    {
        lock (_lock)
        {
            if (_byUser.TryGetValue(userId, out var open) && open.Remove(connectionId) && open.Count == 0) _byUser.Remove(userId);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A copy of the open connections, by user.</summary>
    public IReadOnlyList<(string UserId, string[] ConnectionIds)> ByUser()
    {
        lock (_lock) return [.. _byUser.Select(user => (user.Key, user.Value.ToArray()))];
    }
}
