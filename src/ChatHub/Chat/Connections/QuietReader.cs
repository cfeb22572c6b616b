using System.Diagnostics;
using System.IO.Pipelines;

namespace ChatHub.Chat.Connections;

/// <summary>
/// The hub's reader of one connection's input, which notes how long it has been waiting for the client to send
/// anything (a message or a ping). Reads that find data at once cost one branch.
/// </summary>
public sealed class QuietReader(PipeReader inner) : PipeReader
{
    private long _waitingSince;

    /// <summary>How long the current read has waited for the client; zero while the hub is busy with what it got.</summary>
    public TimeSpan Waiting => Volatile.Read(ref _waitingSince) is var since and not 0 ? Stopwatch.GetElapsedTime(since) : TimeSpan.Zero;

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var read = inner.ReadAsync(cancellationToken);
        return read.IsCompleted ? read : WaitAsync(read);
    }

    private async ValueTask<ReadResult> WaitAsync(ValueTask<ReadResult> read)
    {
        Volatile.Write(ref _waitingSince, Stopwatch.GetTimestamp());
        try
        {
            return await read;
        }
        finally
        {
            Volatile.Write(ref _waitingSince, 0);
        }
    }

    public override bool TryRead(out ReadResult result) => inner.TryRead(out result);

    public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
