using System.Collections.Concurrent;
using ChatHub.Contracts;

namespace ChatHub.LoadTest.Engine;

/// <summary>
/// One connection's events, filed by reply. Events may come before the SendMessage result that
/// names the reply, so a trace is made by whichever side asks first.
/// </summary>
public sealed class DeviceListener(LiveCounters live) : IChatHubClient
{
    private readonly ConcurrentDictionary<string, ReplyTrace> _replies = new();

    public ReplyTrace Reply(string replyId) => _replies.GetOrAdd(replyId, static _ => new ReplyTrace());

    public Task MessageAppended(MessageAppended message) => Task.CompletedTask;

    public Task ReplyStarted(ReplyStarted reply) => Task.CompletedTask;

    public Task SessionEnded(SessionEnded ended) => Task.CompletedTask;

    public Task MessageEdited(MessageEdited message) => Task.CompletedTask;

    public Task MessagesDeleted(MessagesDeleted deleted) => Task.CompletedTask;

    public Task BranchSelected(BranchSelected branch) => Task.CompletedTask;

    public Task ConversationUpdated(ConversationUpdated updated) => Task.CompletedTask;

    public Task ReplyDelta(ReplyDelta delta)
    {
        var at = Clock.Now;
        var tokens = Tokens.Count(delta.Text);
        live.Delta(tokens);
        Reply(delta.ReplyId).OnDelta(delta, tokens, at);
        return Task.CompletedTask;
    }

    public Task ReplyCompleted(ReplyCompleted reply)
    {
        Reply(reply.ReplyId).OnEnd(new ReplyEnd(Clock.Now, reply.Message, Error: null));
        return Task.CompletedTask;
    }

    public Task ReplyFailed(ReplyFailed reply)
    {
        Reply(reply.ReplyId).OnEnd(new ReplyEnd(Clock.Now, Message: null, reply.Error));
        return Task.CompletedTask;
    }
}
