using System.Collections.Concurrent;
using ChatHub.Contracts;
using ChatHub.LoadTest.Cli;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatHub.LoadTest.Soak;

/// <summary>What the sessions saw, summed: turns, how replies ended, and what a send met on the way.</summary>
public sealed class SoakTally
{
    private readonly ConcurrentDictionary<string, int> _sendErrors = new();
    private int _turns, _completed, _failed, _endNotSeen;

    public int Turns => _turns;
    public int Completed => _completed;
    public int Failed => _failed;
    public int EndNotSeen => _endNotSeen;
    public IReadOnlyDictionary<string, int> SendErrors => _sendErrors;

    public void Turn() => Interlocked.Increment(ref _turns);
    public void Ended(bool completed) => Interlocked.Increment(ref completed ? ref _completed : ref _failed);
    public void NotSeen() => Interlocked.Increment(ref _endNotSeen);
    public void SendError(Exception error) => _sendErrors.AddOrUpdate(Kind(error), 1, (_, n) => n + 1);

    private static string Kind(Exception error) => error switch
    {
        HubException hub => $"refused: {hub.Message[(hub.Message.LastIndexOf(':') + 1)..].Trim()}",
        TimeoutException => "no answer within --reply-timeout",
        _ => $"{error.GetType().Name} (connection down)",
    };
}

/// <summary>
/// One simulated user on one node for the whole soak: send, wait for the reply's end, think, again. A send that
/// fails (its node down, Redis stalled, the last reply still running) is retried with the same clientMessageId, so
/// a message is stored at most once however often it is sent. The connection reconnects every second while down.
/// </summary>
public sealed class SoakSession(int index, string runId, Uri node, string accessToken, string conversationId, LoadOptions options, SoakTally tally) : IChatHubClient
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _ends = new();
    private ChatHubProxy? _hub;
    private int _turn;

    public string ConversationId => conversationId;
    public string AccessToken => accessToken;

    /// <summary>Turns until <paramref name="cancellationToken"/> ends the load.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _hub = ChatHubProxy.Create(node, () => Task.FromResult<string?>(accessToken), options.Protocol, b => b.WithAutomaticReconnect(new EverySecond()));
        _hub.Register(this);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await SendAsync(retry: true, cancellationToken) is not { } sent) return;
                tally.Turn();
                if (await EndedAsync(sent.ReplyId, cancellationToken) is { } completed) tally.Ended(completed);
                else if (!cancellationToken.IsCancellationRequested) tally.NotSeen();
                await Task.Delay(options.Think, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the load is over
        }
    }

    /// <summary>One more message after the faults: true when it is answered and its reply completes.</summary>
    public async Task<bool> FinalTurnAsync(CancellationToken cancellationToken) =>
        await SendAsync(retry: false, cancellationToken) is { } sent && await EndedAsync(sent.ReplyId, cancellationToken) == true;

    public ValueTask DisposeAsync() => _hub?.DisposeAsync() ?? ValueTask.CompletedTask;

    public Task MessageAppended(MessageAppended message) => Task.CompletedTask;
    public Task ReplyStarted(ReplyStarted reply) => Task.CompletedTask;
    public Task ReplyDelta(ReplyDelta delta) => Task.CompletedTask;
    public Task ReplyCompleted(ReplyCompleted reply) => End(reply.ReplyId, completed: true);
    public Task ReplyFailed(ReplyFailed reply) => End(reply.ReplyId, completed: false);
    public Task SessionEnded(SessionEnded ended) => Task.CompletedTask;

    public Task MessageEdited(MessageEdited message) => Task.CompletedTask;

    public Task MessagesDeleted(MessagesDeleted deleted) => Task.CompletedTask;

    public Task BranchSelected(BranchSelected branch) => Task.CompletedTask;

    public Task ConversationUpdated(ConversationUpdated updated) => Task.CompletedTask;

    private Task End(string replyId, bool completed)
    {
        _ends.GetOrAdd(replyId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(completed);
        return Task.CompletedTask;
    }

    /// <returns>Whether the reply completed (false: it failed or stopped), or null when its end was not heard in time.</returns>
    private async Task<bool?> EndedAsync(string replyId, CancellationToken cancellationToken)
    {
        try
        {
            return await _ends.GetOrAdd(replyId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(options.ReplyTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _ends.TryRemove(replyId, out _);
        }
    }

    private async Task<SendMessageResult?> SendAsync(bool retry, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest
        {
            ConversationId = conversationId,
            Message = $"Soak message {_turn + 1} from user {index}: what do you make of it?",
            ClientMessageId = $"{runId}-{index}-{_turn++}",
        };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (_hub!.Connection.State == HubConnectionState.Disconnected) await _hub.StartAsync(cancellationToken);
                return await _hub.SendMessage(request).WaitAsync(options.ReplyTimeout, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                tally.SendError(ex);
                if (!retry) return null;
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
        return null;
    }

    private sealed class EverySecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => RetryDelay;
    }
}
