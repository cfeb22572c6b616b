namespace ChatHub.Usage;

/// <summary>
/// Tokens used per user, day and month as every node sees them at once, for budgets: the store's totals
/// lag by up to <c>Usage:FlushSeconds</c> per node. <see cref="SingleNodeUsageCounter"/> has nothing to add
/// (the node's own unstored amounts are in <see cref="UsageFlusher"/>); with Redis every node counts there.
/// </summary>
public interface IUsageCounter
{
    /// <summary>Adds a reply's tokens; never throws (a lost count only makes the store's totals the bound).</summary>
    Task AddAsync(string userId, DateOnly day, long tokens);

    /// <summary>The user's tokens on <paramref name="day"/> and in its month, or null when this counter has none to tell.</summary>
    Task<(long Day, long Month)?> ReadAsync(string userId, DateOnly day);
}

public sealed class SingleNodeUsageCounter : IUsageCounter
{
    public Task AddAsync(string userId, DateOnly day, long tokens) => Task.CompletedTask;

    public Task<(long Day, long Month)?> ReadAsync(string userId, DateOnly day) => Task.FromResult<(long, long)?>(null);
}
