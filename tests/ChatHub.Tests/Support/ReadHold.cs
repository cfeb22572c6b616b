namespace ChatHub.Tests.Support;

/// <summary>
/// One read of the store held after it has read, until the test releases it: its answer reaches the caller after
/// whatever the test changes meanwhile, as a slow answer would.
/// </summary>
/// <param name="of">What the held read is of (a message id ...), as the store that holds it tells reads apart.</param>
public sealed class ReadHold(string of)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Of { get; } = of;

    /// <summary>Completes once the read has read and waits.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    internal async Task WaitAsync(CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
    }
}
