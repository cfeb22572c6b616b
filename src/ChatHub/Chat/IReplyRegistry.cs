using ChatHub.Contracts;

namespace ChatHub.Chat;

/// <summary>
/// What other nodes must know of the replies this node writes: the one-reply-per-conversation and
/// per-user limits, the text so far (for snapshots), and stop requests. A single node needs none
/// of it; with Redis it is shared.
/// </summary>
public interface IReplyRegistry
{
    /// <summary>Takes the deployment-wide slots for the run; returns a refusal for the user when there are none.</summary>
    ValueTask<string?> TryReserveAsync(ReplyRun run, int perUserLimit);

    /// <summary>Records a delta before it is sent, so a snapshot read on any node covers every delta sent so far.</summary>
    ValueTask RecordDeltaAsync(ReplyRun run, string text, int seq);

    ValueTask ReleaseAsync(ReplyRun run);

    /// <summary>A reply in flight on another node, or null.</summary>
    ValueTask<ActiveReply?> FindActiveAsync(string conversationId);

    /// <summary>Asks the node writing the reply to stop it; false when no such reply of this user is in flight.</summary>
    ValueTask<bool> RequestStopAsync(string replyId, string userId);

    /// <summary>Tells the other nodes a conversation is gone, so whichever writes its reply stops.</summary>
    ValueTask ConversationDeletedAsync(string conversationId);
}

/// <param name="Run">A reply as its dead node left it; it does not run here.</param>
/// <param name="Text">What the dead node had written.</param>
public sealed record OrphanReply(ReplyRun Run, string Text);

/// <summary>One node: nothing to share.</summary>
public sealed class SingleNodeReplyRegistry : IReplyRegistry
{
    public ValueTask<string?> TryReserveAsync(ReplyRun run, int perUserLimit) => ValueTask.FromResult<string?>(null);
    public ValueTask RecordDeltaAsync(ReplyRun run, string text, int seq) => ValueTask.CompletedTask;
    public ValueTask ReleaseAsync(ReplyRun run) => ValueTask.CompletedTask;
    public ValueTask<ActiveReply?> FindActiveAsync(string conversationId) => ValueTask.FromResult<ActiveReply?>(null);
    public ValueTask<bool> RequestStopAsync(string replyId, string userId) => ValueTask.FromResult(false);
    public ValueTask ConversationDeletedAsync(string conversationId) => ValueTask.CompletedTask;
}

/// <summary>Refusals shared by every registry, so the user reads the same words whichever node refused.</summary>
public static class Refusals
{
    public const string ConversationBusy = "The character is still replying in this conversation. Wait for the reply or stop it.";

    public static string TooManyReplies(int limit) =>
        $"You already have {limit} {(limit == 1 ? "reply" : "replies")} in progress. Wait for one to finish.";
}
