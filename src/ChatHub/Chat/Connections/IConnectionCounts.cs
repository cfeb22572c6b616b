namespace ChatHub.Chat.Connections;

/// <summary>
/// Each user's open hub connections: on this node (<see cref="InMemoryConnectionCounts"/>), or on every node through
/// Redis when <c>ConnectionStrings:Redis</c> is set. Each step is atomic, so racing connections cannot pass the cap together.
/// </summary>
public interface IConnectionCounts
{
    /// <summary>Counts the connection in; false (and not counted) when the user already holds <paramref name="max"/>.</summary>
    ValueTask<bool> TryAddAsync(string userId, string connectionId, int max);

    ValueTask RemoveAsync(string userId, string connectionId);
}
