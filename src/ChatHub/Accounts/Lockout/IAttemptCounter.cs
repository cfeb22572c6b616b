namespace ChatHub.Accounts.Lockout;

/// <summary>
/// Counts attempts per key in a window that starts with the first one: in this node's memory, or in Redis, shared by
/// every node, when <c>ConnectionStrings:Redis</c> is set. Each call is one atomic step, so racing callers all count.
/// </summary>
public interface IAttemptCounter
{
    /// <summary>Counts one more attempt; returns the count with it and the time left in the window.</summary>
    ValueTask<(long Count, TimeSpan Left)> AddAsync(string key, TimeSpan window);

    /// <summary>Starts the key's window again from now.</summary>
    ValueTask RestartAsync(string key, TimeSpan window);

    /// <summary>Takes one attempt back (it turned out to be no guess).</summary>
    ValueTask SubtractAsync(string key);

    ValueTask ClearAsync(string key);
}
