using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Llm;
using ChatHub.Observability;
using Microsoft.Extensions.AI;

namespace ChatHub.Chat;

/// <summary>What a turn's prompt reads: the branch through <paramref name="ThroughId"/>, then the user's new message when there is one.</summary>
/// <param name="Pending">A user message the hub is storing; the turn waits for its word (<see cref="ReplyTurn.MessageStored"/>).</param>
public sealed record TurnPrompt(string? ThroughId, StoredMessage? Pending);

/// <summary>
/// One turn of a conversation: the reply to one user message (new, regenerated or continued), from asking
/// the model to storing the reply and telling its watchers. It owns its <see cref="ReplySlot"/> from the
/// moment the hub hands it over and gives it back exactly once, when the reply is stored, however the turn
/// ends. Nothing reaches the watchers before the hub says the user's message is stored; if it is not, the
/// model's answer is dropped unseen.
/// </summary>
public sealed partial class ReplyTurn
{
    private const string ReplyFailedMessage = "The reply failed. Please try again.";

    private readonly ReplySlot _slot;
    private readonly Conversation _conversation;
    private readonly TurnPrompt _prompt;
    private readonly ModelProfile _profile;
    private readonly ReplyTurns _services;
    private readonly TaskCompletionSource<bool> _messageStored = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _firstExchange;
    private string? _foldThroughId;

    internal ReplyTurn(ReplySlot slot, Conversation conversation, TurnPrompt prompt, ModelProfile profile, ReplyTurns services)
    {
        (_slot, _conversation, _prompt, _profile, _services) = (slot, conversation, prompt, profile, services);
        if (prompt.Pending is null) _messageStored.SetResult(true);
        Completion = Task.Run(RunAsync);
    }

    private ReplyRun Run => _slot.Run;

    /// <summary>Completes when the turn is over: slot given back, watchers told.</summary>
    public Task Completion { get; }

    /// <summary>The hub's word on the user's message: stored (the reply may show) or not (the turn ends unseen). The first word counts.</summary>
    public void MessageStored(bool stored) => _messageStored.TrySetResult(stored);

    private async Task RunAsync()
    {
        ReplyOutcome outcome;
        await using (_slot)
        {
            var asking = AskAsync();
            if (!await _messageStored.Task)
            {
                Run.Abandon(); // before the slot is free, so the model is not still being asked for a reply no one will see
                await CloseAsync(asking);
                return;
            }
            using var telemetry = _services.Metrics.ReplyStarted(Run);
            var failure = await StreamAsync(asking, telemetry);
            outcome = await _services.Ending.StoreAsync(Run, Run.Text, failure, telemetry);
        }
        // The slot is free before the watchers hear: whoever sends the next message as soon as they do is not refused.
        await _services.Ending.AnnounceAsync(outcome);
        if (outcome.Stored is not { } stored) return;
        var first = _firstExchange && _conversation.Title is null ? _prompt.Pending!.Text : null;
        // A continued reply off the active branch changes neither its leaf nor its last message.
        if (Run.Continues is null || stored.Id == _conversation.LeafId) await _services.Notices.UpdatedAsync(_conversation, stored, first);
        if (first is not null && stored.Status == MessageValues.StatusComplete) _services.Titles.Start(_conversation, first, stored, _profile, Run.Role);
        if (_foldThroughId is not null) _services.Memories.Start(_conversation, _foldThroughId, _profile, Run.Role);
    }

    /// <summary>The model asked for a reply: its pieces, positioned on the first (if any), or why it was not asked.</summary>
    private sealed record Asked(IAsyncEnumerator<ChatResponseUpdate>? Pieces, bool HasFirst, string? Failure);

    private async Task<Asked> AskAsync()
    {
        var character = await _services.Characters.GetAsync(_conversation.CharacterId, Run.Token);
        if (character is null) return new Asked(null, false, "This character is no longer available.");
        var limit = _services.Settings.HistoryMessages;
        // The branch the reply follows; a new message may not be committed yet, so it is read up to its parent and the prompt ends with it.
        var history = _prompt.ThroughId is { } through
            ? await _services.Conversations.GetPathAsync(Run.ConversationId, Run.UserId, through, limit, Run.Token)
            : new MessageSlice([], false, []);
        // A conversation that is gone, or a retry of a message already stored, will not be appended to: the model is not asked (nor paid).
        if (history is null || (_prompt.Pending is { } retried && history.Messages.Any(m => m.ClientMessageId == retried.ClientMessageId)))
        {
            return new Asked(null, false, ReplyFailedMessage);
        }
        IReadOnlyList<StoredMessage> messages = _prompt.Pending is { } pending ? [.. history.Messages.Append(pending).TakeLast(limit)] : history.Messages;
        _firstExchange = _prompt.Pending is not null && !history.HasMore && history.Messages.All(m => m.Sender != MessageValues.SenderUser);
        var (recent, summary, olderUncovered) = Remembered(messages, history.HasMore);
        var request = _services.Prompts.Build(character, recent, Run.MaxTokens, await _services.Personas.GetAsync(Run.UserId, Run.Token),
            continuing: Run.Continues is not null, contextTokens: _profile.ContextTokens, summary: summary);
        if (_conversation.Memory.Enabled) _foldThroughId = ConversationMemoryWriter.FoldTarget(recent, request.OldestKeptId, olderUncovered);
        Run.Tokens.Asked(request.Messages, _profile.Model);
        var pieces = _profile.Client.GetStreamingResponseAsync(request.Messages, request.Options, Run.Token).GetAsyncEnumerator(Run.Token);
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
    /// What the prompt carries of the conversation's memory: the messages after those its summary covers, and the summary
    /// when it is on and fits this branch (it covers one of these messages, or the user wrote it, or it reaches back
    /// before them); whether older messages than these are left that no summary covers.
    /// </summary>
    private (IReadOnlyList<StoredMessage> Recent, string? Summary, bool OlderUncovered) Remembered(IReadOnlyList<StoredMessage> messages, bool hasMore)
    {
        var memory = _conversation.Memory;
        if (!memory.Enabled) return (messages, null, false);
        var covered = memory.ThroughId is { } through ? messages.ToList().FindIndex(m => m.Id == through) : -1;
        var summary = memory.Summary.Length > 0 && (covered >= 0 || memory.ThroughId is null || hasMore) ? memory.Summary : null;
        // The newest message stays whatever the summary says it covers: it is what the reply answers.
        IReadOnlyList<StoredMessage> recent = covered >= 0 ? [.. messages.Skip(Math.Min(covered + 1, messages.Count - 1))] : messages;
        return (recent, summary, hasMore && covered < 0);
    }

    /// <summary>Sends the reply's start and then its text as the model writes it; returns the failure to show, if any.</summary>
    private async Task<string?> StreamAsync(Task<Asked> asking, ReplyTelemetry telemetry)
    {
        var group = _services.Hub.Clients.Group(ChatGroups.Conversation(Run.ConversationId));
        try
        {
            await group.ReplyStarted(new ReplyStarted { ConversationId = Run.ConversationId, ReplyId = Run.ReplyId, InReplyTo = Run.InReplyTo });
            var asked = await asking;
            if (asked.Failure is not null) return asked.Failure;
            var pieces = asked.Pieces!;
            var deltas = new DeltaStream(Run, group, _services.Registry, telemetry, TimeSpan.FromMilliseconds(_services.Settings.DeltaWindowMs), _services.Clock);
            // However the model stops, what it wrote goes out before the reply is stored.
            try
            {
                for (var more = asked.HasFirst; more; more = await pieces.MoveNextAsync())
                {
                    Run.Tokens.Observe(pieces.Current, _services.Clock.GetTimestamp());
                    deltas.Add(pieces.Current.Text);
                }
                Run.MarkWritten();
            }
            catch
            {
                // The model's failure (or the stop) is what the reply ends with, even if a send failed too.
                await deltas.CompleteAsync().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
            await deltas.CompleteAsync();
            return null;
        }
        catch (OperationCanceledException) when (Run.Token.IsCancellationRequested)
        {
            return null; // stopped, deleted or shutting down: the run's cut tells which
        }
        catch (ModelUnavailableException ex)
        {
            LogModelUnavailable(_services.Logger, ex, Run.ReplyId);
            _services.Metrics.ModelFailed();
            return "The character cannot reply right now. Please try again in a moment.";
        }
        catch (Exception ex)
        {
            LogFailed(_services.Logger, ex, Run.ReplyId);
            return ReplyFailedMessage;
        }
        finally
        {
            await CloseAsync(asking);
        }
    }

    /// <summary>
    /// Ends the model's stream once the ask is over; an ask that failed has none (its error is reported
    /// where it is awaited, or not wanted). Never throws: the reply still has to be stored and its slot freed.
    /// </summary>
    private async Task CloseAsync(Task<Asked> asking)
    {
        // Not awaited yet means the reply ended before it wanted the model's answer (its start could not be sent).
        if (!asking.IsCompleted) Run.Abandon();
        await ((Task)asking).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!asking.IsCompletedSuccessfully || asking.Result.Pieces is not { } pieces) return;
        try
        {
            await pieces.DisposeAsync();
        }
        catch (Exception ex)
        {
            LogFailed(_services.Logger, ex, Run.ReplyId);
        }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "The model was unavailable for reply {ReplyId}")]
    private static partial void LogModelUnavailable(ILogger logger, Exception exception, string replyId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "Reply {ReplyId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string replyId);
}
