namespace ChatHub.Chat;

/// <summary>
/// The right to write one reply (one per conversation, a bounded number per user, on this node and,
/// with Redis, on every node). The hub takes it and hands it to the <see cref="ReplyTurn"/>, which
/// gives it back when the turn is over. Giving it back happens once, however often it is disposed.
/// </summary>
public sealed class ReplySlot : IAsyncDisposable
{
    private readonly ReplySlots _owner;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    internal ReplySlot(ReplySlots owner, ReplyRun run) => (_owner, Run) = (owner, run);

    public ReplyRun Run { get; }

    /// <summary>Completes once the slot is given back.</summary>
    public Task Released => _released.Task;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        try
        {
            await _owner.ReleaseAsync(this);
        }
        finally
        {
            _released.TrySetResult();
        }
    }
}
