using System.Diagnostics;
using ChatHub.Contracts;

namespace ChatHub.Tests.Support;

/// <summary>Every server event one connection received, in order, with bounded waits for the ones a test expects.</summary>
public sealed class RecordedEvents : IChatHubClient
{
    private readonly Lock _lock = new();
    private readonly List<object> _events = [];
    private readonly List<long> _receivedAt = [];
    private readonly List<(Func<object, bool> Match, TaskCompletionSource<object> Done)> _waiters = [];

    public Task MessageAppended(MessageAppended message) => Add(message);
    public Task ReplyStarted(ReplyStarted reply) => Add(reply);
    public Task ReplyDelta(ReplyDelta delta) => Add(delta);
    public Task ReplyCompleted(ReplyCompleted reply) => Add(reply);
    public Task ReplyFailed(ReplyFailed reply) => Add(reply);
    public Task SessionEnded(SessionEnded ended) => Add(ended);
    public Task MessageEdited(MessageEdited message) => Add(message);
    public Task MessagesDeleted(MessagesDeleted deleted) => Add(deleted);
    public Task BranchSelected(BranchSelected branch) => Add(branch);
    public Task ConversationUpdated(ConversationUpdated updated) => Add(updated);

    public IReadOnlyList<T> All<T>()
    {
        lock (_lock) return _events.OfType<T>().ToList();
    }

    public IReadOnlyList<ReplyDelta> Deltas(string replyId) => All<ReplyDelta>().Where(d => d.ReplyId == replyId).ToList();

    /// <summary>The first event of type T that matches, received already or within the timeout.</summary>
    public async Task<T> WaitFor<T>(Func<T, bool>? match = null)
    {
        bool Matches(object e) => e is T t && (match?.Invoke(t) ?? true);
        TaskCompletionSource<object> done;
        lock (_lock)
        {
            if (_events.FirstOrDefault(Matches) is { } seen) return (T)seen;
            done = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((Matches, done));
        }
        return (T)await done.Task.Bounded();
    }

    /// <summary>The longest time between two consecutive events of one reply (its start, deltas and end) as this connection received them.</summary>
    public TimeSpan LongestGap(string replyId)
    {
        List<long> times;
        lock (_lock)
        {
            times = [.. _events.Select((e, i) => (e, i)).Where(x => ReplyIdOf(x.e) == replyId).Select(x => _receivedAt[x.i])];
        }
        return times.Count < 2 ? TimeSpan.Zero : times.Zip(times.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b)).Max();
    }

    private static string? ReplyIdOf(object e) => e switch
    {
        ReplyStarted started => started.ReplyId,
        ReplyDelta delta => delta.ReplyId,
        ReplyCompleted completed => completed.ReplyId,
        ReplyFailed failed => failed.ReplyId,
        _ => null,
    };

    public Task<ReplyCompleted> Completed(string replyId) => WaitFor<ReplyCompleted>(r => r.ReplyId == replyId);

    public Task<ReplyDelta> Delta(string replyId, int seq) => WaitFor<ReplyDelta>(d => d.ReplyId == replyId && d.Seq == seq);

    private Task Add(object e)
    {
        lock (_lock)
        {
            _events.Add(e);
            _receivedAt.Add(Stopwatch.GetTimestamp());
            foreach (var waiter in _waiters.Where(w => w.Match(e)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(e);
            }
        }
        return Task.CompletedTask;
    }
}
