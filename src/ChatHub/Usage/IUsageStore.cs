namespace ChatHub.Usage;

/// <summary>
/// The <c>usage</c> collection/table: one row per user, UTC day and model, kept by atomic increments
/// (<c>$inc</c> with upsert on MongoDB, an UPSERT on SQLite), so any number of nodes may add to one row.
/// </summary>
public interface IUsageStore
{
    /// <summary>Adds each amount to its row, making the row when it is the first; all or nothing is not promised across rows.</summary>
    Task AddAsync(IReadOnlyList<UsageAmount> amounts, CancellationToken cancellationToken);

    /// <summary>The user's rows from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
    Task<IReadOnlyList<UsageAmount>> ReadAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>The <paramref name="limit"/> users who used the most tokens from <paramref name="from"/> to <paramref name="to"/>, most first.</summary>
    Task<IReadOnlyList<UserUsageTotal>> TopUsersAsync(DateOnly from, DateOnly to, int limit, CancellationToken cancellationToken);

    Task DeleteUserAsync(string userId, CancellationToken cancellationToken);
}
