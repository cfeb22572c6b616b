using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ChatResponseUpdate = Microsoft.Extensions.AI.ChatResponseUpdate;
using IModelClient = Microsoft.Extensions.AI.IChatClient;

namespace ChatHub.Chat;

/// <summary>
/// Writes replies apart from hub invocations: at most one in flight per conversation and a bounded
/// number per user. Each reply is streamed to the conversation's group and stored with one append
/// when it ends, however it ends.
/// </summary>
public sealed class ReplyCoordinator(
    IHubContext<CharacterChatHub, IChatClient> hub,
    IConversationStore conversations,
    CharacterCache characters,
    PromptBuilder prompts,
    UserPersonas personas,
    IModelClient model,
    IReplyRegistry registry,
    IOptions<ChatSettings> settings,
    ChatMetrics metrics,
    TimeProvider clock,
    ILogger<ReplyCoordinator> logger) : IHostedService, IConversationEvents
{
    private const string ReplyFailedMessage = "The reply failed. Please try again.";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReplyRun> _byConversation = [];
    private readonly Dictionary<string, ReplyRun> _byReply = [];
    private readonly Dictionary<string, int> _perUser = [];
    private bool _stopping;

    /// <summary>Takes a slot for the run, here and deployment-wide; returns why not (a message for the user) when none is free.</summary>
    /// <param name="maxPerUser">The user's quota of replies in flight.</param>
    public async ValueTask<string?> TryReserveAsync(ReplyRun run, int maxPerUser)
    {
        lock (_lock)
        {
            if (_stopping) return "The service is restarting. Please send your message again in a moment.";
            if (_byConversation.ContainsKey(run.ConversationId)) return Refusals.ConversationBusy;
            var count = _perUser.GetValueOrDefault(run.UserId);
            if (count >= maxPerUser) return Refusals.TooManyReplies(maxPerUser);
            _byConversation[run.ConversationId] = run;
            _byReply[run.ReplyId] = run;
            _perUser[run.UserId] = count + 1;
        }
        var refusal = await registry.TryReserveAsync(run, maxPerUser);
        if (refusal is not null) ReleaseLocal(run);
        return refusal;
    }

    public async ValueTask ReleaseAsync(ReplyRun run)
    {
        ReleaseLocal(run);
        await registry.ReleaseAsync(run);
    }

    private void ReleaseLocal(ReplyRun run)
    {
        lock (_lock)
        {
            if (!_byReply.Remove(run.ReplyId)) return; // an orphan of another node
            _byConversation.Remove(run.ConversationId);
            if (--_perUser[run.UserId] == 0) _perUser.Remove(run.UserId);
        }
    }

    /// <summary>The runs this node is writing (their leases are kept alive by the scale-out layer).</summary>
    public IReadOnlyList<ReplyRun> LocalRuns()
    {
        lock (_lock) return [.. _byReply.Values];
    }

    /// <summary>
    /// Starts a reserved run for <paramref name="message"/>, which may still be committing: the prompt is
    /// built and the model asked at once, so the model's wait and the commit's overlap. Nothing reaches
    /// the watchers before <paramref name="stored"/> is true; from then the run releases its own slot.
    /// When it is false the model's answer is dropped unseen, and the slot is the caller's to release.
    /// </summary>
    public void Start(ReplyRun run, Conversation conversation, StoredMessage message, Task<bool> stored) =>
        run.Completion = Task.Run(() => GenerateAsync(run, conversation, message, stored));

    /// <summary>The reply in flight in the conversation, written here or on another node.</summary>
    public async ValueTask<ActiveReply?> ActiveAsync(string conversationId)
    {
        ReplyRun? run;
        lock (_lock) _byConversation.TryGetValue(conversationId, out run);
        return run?.Snapshot() ?? await registry.FindActiveAsync(conversationId);
    }

    /// <summary>Stops the user's reply, wherever it is written; false when there is no such reply in flight (or it is someone else's).</summary>
    public async ValueTask<bool> TryStopAsync(string replyId, string userId) =>
        StopLocal(replyId, userId) || await registry.RequestStopAsync(replyId, userId);

    /// <summary>Stops a reply written on this node.</summary>
    public bool StopLocal(string replyId, string userId)
    {
        ReplyRun? run;
        lock (_lock)
        {
            if (!_byReply.TryGetValue(replyId, out run) || run.UserId != userId) return false;
        }
        run.CutShort(CutReason.StoppedByUser);
        return true;
    }

    public void Deleted(string conversationId)
    {
        DeletedLocal(conversationId);
        _ = registry.ConversationDeletedAsync(conversationId).AsTask();
    }

    /// <summary>Ends the conversation's reply if this node writes it.</summary>
    public void DeletedLocal(string conversationId)
    {
        ReplyRun? run;
        lock (_lock) _byConversation.TryGetValue(conversationId, out run);
        run?.CutShort(CutReason.ConversationDeleted);
    }

    /// <summary>The model asked for a reply: its pieces, positioned on the first (if any), or why it was not asked.</summary>
    private sealed record Asked(IAsyncEnumerator<ChatResponseUpdate>? Pieces, bool HasFirst, string? Failure);

    private async Task<Asked> AskAsync(ReplyRun run, Conversation conversation, StoredMessage message)
    {
        var character = await characters.GetAsync(conversation.CharacterId, run.Token);
        if (character is null) return new Asked(null, false, "This character is no longer available.");
        var history = await conversations.GetMessagesAsync(run.ConversationId, run.UserId, settings.Value.HistoryMessages, null, run.Token);
        // A conversation that is gone, or a retry of a message already stored, will not be appended to: the model is not asked (nor paid).
        if (history is null || history.Messages.Any(m => m.ClientMessageId == message.ClientMessageId && m.Id != message.Id))
        {
            return new Asked(null, false, ReplyFailedMessage);
        }
        // The message may not be committed yet: either way the prompt ends with it, once.
        IReadOnlyList<StoredMessage> messages = history.Messages.Any(m => m.Id == message.Id)
            ? history.Messages
            : [.. history.Messages.Append(message).TakeLast(settings.Value.HistoryMessages)];
        var request = prompts.Build(character, messages, run.MaxTokens, await personas.GetAsync(run.UserId, run.Token));
        var pieces = model.GetStreamingResponseAsync(request.Messages, request.Options, run.Token).GetAsyncEnumerator(run.Token);
        try
        {
            return new Asked(pieces, await pieces.MoveNextAsync(), null);
        }
        catch
        {
            await pieces.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Ends the model's stream once the ask is over; an ask that failed has none (its error is reported
    /// where it is awaited, or not wanted). Never throws: the reply still has to be stored and its slot freed.
    /// </summary>
    private async Task CloseAsync(ReplyRun run, Task<Asked> asking)
    {
        // Not awaited yet means the reply ended before it wanted the model's answer (its start could not be sent).
        if (!asking.IsCompleted) run.Abandon();
        await ((Task)asking).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!asking.IsCompletedSuccessfully || asking.Result.Pieces is not { } pieces) return;
        try
        {
            await pieces.DisposeAsync();
        }
        catch (Exception ex)
        {
            Log.ReplyFailed(logger, ex, run.ReplyId);
        }
    }

    private async Task GenerateAsync(ReplyRun run, Conversation conversation, StoredMessage message, Task<bool> stored)
    {
        var asking = AskAsync(run, conversation, message);
        if (!await stored)
        {
            // Nothing was shown and nothing is kept; the caller has abandoned the run and freed its slot.
            await CloseAsync(run, asking);
            return;
        }
        var group = hub.Clients.Group(ChatGroups.Conversation(run.ConversationId));
        using var telemetry = metrics.ReplyStarted(run);
        string? failure = null;
        try
        {
            await group.ReplyStarted(new ReplyStarted { ConversationId = run.ConversationId, ReplyId = run.ReplyId, InReplyTo = run.InReplyTo });
            var asked = await asking;
            if (asked.Failure is not null)
            {
                failure = asked.Failure;
            }
            else
            {
                var pieces = asked.Pieces!;
                var deltas = new DeltaStream(run, group, registry, telemetry, TimeSpan.FromMilliseconds(settings.Value.DeltaWindowMs), clock);
                // However the model stops, what it wrote goes out before the reply is stored.
                try
                {
                    for (var more = asked.HasFirst; more; more = await pieces.MoveNextAsync()) deltas.Add(pieces.Current.Text);
                    run.MarkWritten();
                }
                catch
                {
                    // The model's failure (or the stop) is what the reply ends with, even if a send failed too.
                    await deltas.CompleteAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw;
                }
                await deltas.CompleteAsync();
            }
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            // Stopped, deleted or shutting down: FinishAsync tells which.
        }
        catch (ModelUnavailableException ex)
        {
            Log.ModelUnavailable(logger, ex, run.ReplyId);
            metrics.ModelFailed();
            failure = "The character cannot reply right now. Please try again in a moment.";
        }
        catch (Exception ex)
        {
            Log.ReplyFailed(logger, ex, run.ReplyId);
            failure = ReplyFailedMessage;
        }
        finally
        {
            await CloseAsync(run, asking);
        }
        await FinishAsync(run, run.Text, failure, telemetry);
    }

    /// <summary>Ends a reply whose node died: keeps what it had written and tells the watchers.</summary>
    public Task FinishOrphanAsync(OrphanReply orphan) =>
        FinishAsync(orphan.Run, orphan.Text, "The reply was interrupted. Please send your message again.");

    /// <param name="telemetry">The reply's measurements; null for an orphan, which started on another node.</param>
    private async Task FinishAsync(ReplyRun run, string text, string? failure, ReplyTelemetry? telemetry = null)
    {
        var group = hub.Clients.Group(ChatGroups.Conversation(run.ConversationId));
        if (run.Cut == CutReason.Shutdown) failure ??= "The service restarted while the character was replying.";
        StoredMessage? stored = null;
        try
        {
            // A failure with no text leaves nothing worth keeping; everything else is stored, once.
            if (run.Cut != CutReason.ConversationDeleted && (failure is null || text.Length > 0))
            {
                var status = failure is not null ? MessageValues.StatusFailed
                    : run.Cut == CutReason.None ? MessageValues.StatusComplete
                    : MessageValues.StatusStopped;
                var reply = new StoredMessage(run.ReplyId, MessageValues.SenderAi, text, clock.UtcNowMs(), InReplyTo: run.InReplyTo, Status: status);
                if (await conversations.AppendReplyAsync(run.ConversationId, reply, CancellationToken.None)) stored = reply;
            }
        }
        catch (Exception ex)
        {
            Log.ReplyNotStored(logger, ex, run.ReplyId);
            failure ??= "The reply could not be saved. Please try again.";
        }
        finally
        {
            await ReleaseAsync(run);
        }
        metrics.ReplyEnded(telemetry, run.Cut, failure);

        try
        {
            if (failure is null && stored is not null)
            {
                await group.ReplyCompleted(new ReplyCompleted { ConversationId = run.ConversationId, ReplyId = run.ReplyId, Message = stored.ToDto() });
            }
            else
            {
                await group.ReplyFailed(new ReplyFailed
                {
                    ConversationId = run.ConversationId,
                    ReplyId = run.ReplyId,
                    Error = failure ?? "The conversation was deleted.",
                    PartialText = text,
                });
            }
        }
        catch (Exception ex)
        {
            Log.ReplyNotDelivered(logger, ex, run.ReplyId);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Lets replies in flight finish for a while, then cuts the rest short; either way they are stored.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ReplyRun[] runs;
        lock (_lock)
        {
            _stopping = true;
            runs = [.. _byReply.Values];
        }
        if (runs.Length == 0) return;
        var all = Task.WhenAll(runs.Select(r => r.Completion));
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(settings.Value.ShutdownDrainSeconds), cancellationToken);
        }
        catch (TimeoutException)
        {
            foreach (var run in runs) run.CutShort(CutReason.Shutdown);
            await all.WaitAsync(cancellationToken);
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "The model was unavailable for reply {ReplyId}")]
    public static partial void ModelUnavailable(ILogger logger, Exception exception, string replyId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Reply {ReplyId} failed")]
    public static partial void ReplyFailed(ILogger logger, Exception exception, string replyId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Reply {ReplyId} could not be stored")]
    public static partial void ReplyNotStored(ILogger logger, Exception exception, string replyId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "The end of reply {ReplyId} could not be sent to its watchers")]
    public static partial void ReplyNotDelivered(ILogger logger, Exception exception, string replyId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Hub method {Method} failed on connection {ConnectionId}")]
    public static partial void HubMethodFailed(ILogger logger, Exception exception, string method, string connectionId);
}
