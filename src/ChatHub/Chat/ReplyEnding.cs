using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Observability;
using ChatHub.Usage;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Chat;

/// <summary>How a reply ended: what was stored (null when nothing was) and the failure to show, if any.</summary>
/// <param name="StoredBefore">The store had this reply already (or no longer has its conversation).</param>
public sealed record ReplyOutcome(ReplyRun Run, string Text, StoredMessage? Stored, string? Failure, bool StoredBefore = false);

/// <summary>
/// The end of a reply, in two steps so that the reply's slot can be given back between them: store it
/// (once, whatever way it ended, unless its conversation is gone), then tell its watchers.
/// </summary>
public sealed partial class ReplyEnding(
    IHubContext<CharacterChatHub, IChatHubClient> hub,
    IConversationStore conversations,
    ChatMetrics metrics,
    UsageRecorder usage,
    TimeProvider clock,
    ILogger<ReplyEnding> logger)
{
    public const string Interrupted = "The reply was interrupted. Please send your message again.";

    /// <summary>Stores the reply; never throws, since the slot must still be given back and the watchers told.</summary>
    /// <param name="error">A short code stored with a failed reply (<see cref="MessageValues.ErrorInterrupted"/>).</param>
    public async Task<ReplyOutcome> StoreAsync(ReplyRun run, string text, string? failure, ReplyTelemetry? telemetry, string? error = null)
    {
        if (run.Cut == CutReason.Shutdown) failure ??= "The service restarted while the character was replying.";
        StoredMessage? stored = null;
        var storedBefore = false;
        var cost = run.Tokens.Finish(text, run.ReceivedAt, clock);
        try
        {
            // Every user message that asked for a reply gets one stored, a failed one too (even with no text):
            // a message standing alone after a restart can then only mean a reply cut by a crash.
            if (run.Cut != CutReason.ConversationDeleted)
            {
                var status = failure is not null ? MessageValues.StatusFailed
                    : run.Cut == CutReason.None ? MessageValues.StatusComplete
                    : MessageValues.StatusStopped;
                if (run.Continues is { } original)
                {
                    // A continuation that failed before writing anything leaves the reply as it was.
                    if (text.Length == original.Text.Length && failure is not null) status = original.Status;
                    var total = cost is null ? original.Usage : original.Usage?.Plus(cost) ?? cost;
                    var reply = original with { Text = text, Status = status, RequestId = run.RequestId, Usage = total };
                    var change = new MessageChange(run.ReplyId, text, clock.UtcNowMs(), Edited: false, status, run.RequestId, total);
                    if (await conversations.ChangeMessageAsync(run.ConversationId, run.UserId, change, CancellationToken.None)) stored = reply;
                    else storedBefore = true;
                }
                else
                {
                    var reply = new StoredMessage(run.ReplyId, MessageValues.SenderAi, text, clock.UtcNowMs(), InReplyTo: run.InReplyTo, Status: status,
                        Error: failure is null ? null : error, ParentId: run.InReplyTo, RequestId: run.RequestId, Usage: cost);
                    if (await conversations.AppendReplyAsync(run.ConversationId, reply, CancellationToken.None)) stored = reply;
                    else storedBefore = true;
                }
            }
        }
        catch (Exception ex)
        {
            LogNotStored(logger, ex, run.ReplyId);
            failure ??= "The reply could not be saved. Please try again.";
        }
        // Spent however the reply ended; counted before its slot is free, so the next message's budget check sees it.
        if (cost is not null) await usage.RecordAsync(run.UserId, run.Role, cost);
        metrics.ReplyEnded(telemetry, run.Cut, failure);
        return new ReplyOutcome(run, text, stored, failure, storedBefore);
    }

    /// <summary>Tells the conversation's watchers how the reply ended; never throws.</summary>
    public async Task AnnounceAsync(ReplyOutcome outcome)
    {
        var (run, group) = (outcome.Run, hub.Clients.Group(ChatGroups.Conversation(outcome.Run.ConversationId)));
        try
        {
            if (outcome.Failure is null && outcome.Stored is not null)
            {
                await group.ReplyCompleted(new ReplyCompleted { ConversationId = run.ConversationId, ReplyId = run.ReplyId, Message = outcome.Stored.ToDto(run.Place) });
            }
            else
            {
                await group.ReplyFailed(new ReplyFailed
                {
                    ConversationId = run.ConversationId,
                    ReplyId = run.ReplyId,
                    Error = outcome.Failure ?? "The conversation was deleted.",
                    PartialText = outcome.Text,
                });
            }
        }
        catch (Exception ex)
        {
            LogNotDelivered(logger, ex, run.ReplyId);
        }
    }

    /// <summary>
    /// Ends a reply whose node died: keeps what it had written, marked interrupted. When the reply was
    /// stored after all (its node had only lost Redis for a while), there is nothing to tell anyone.
    /// </summary>
    public async Task FinishOrphanAsync(OrphanReply orphan)
    {
        var outcome = await StoreAsync(orphan.Run, orphan.Text, Interrupted, telemetry: null, MessageValues.ErrorInterrupted);
        if (!outcome.StoredBefore) await AnnounceAsync(outcome);
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Reply {ReplyId} could not be stored")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string replyId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "The end of reply {ReplyId} could not be sent to its watchers")]
    private static partial void LogNotDelivered(ILogger logger, Exception exception, string replyId);
}
