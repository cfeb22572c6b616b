using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Llm;
using ChatHub.Observability;
using Microsoft.Extensions.AI;

namespace ChatHub.Chat;

/// <summary>
/// One turn of a conversation: the reply to one user message, from asking the model to storing the
/// reply and telling its watchers. It owns its <see cref="ReplySlot"/> from the moment the hub hands it
/// over and gives it back exactly once, when the reply is stored, however the turn ends. Nothing reaches
/// the watchers before the hub says the user's message is stored; if it is not, the model's answer is
/// dropped unseen.
/// </summary>
public sealed partial class ReplyTurn
{
    private const string ReplyFailedMessage = "The reply failed. Please try again.";

    private readonly ReplySlot _slot;
    private readonly Conversation _conversation;
    private readonly StoredMessage _message;
    private readonly ReplyTurns _services;
    private readonly TaskCompletionSource<bool> _messageStored = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ReplyTurn(ReplySlot slot, Conversation conversation, StoredMessage message, ReplyTurns services)
    {
        (_slot, _conversation, _message, _services) = (slot, conversation, message, services);
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
    }

    /// <summary>The model asked for a reply: its pieces, positioned on the first (if any), or why it was not asked.</summary>
    private sealed record Asked(IAsyncEnumerator<ChatResponseUpdate>? Pieces, bool HasFirst, string? Failure);

    private async Task<Asked> AskAsync()
    {
        var character = await _services.Characters.GetAsync(_conversation.CharacterId, Run.Token);
        if (character is null) return new Asked(null, false, "This character is no longer available.");
        var limit = _services.Settings.HistoryMessages;
        var history = await _services.Conversations.GetMessagesAsync(Run.ConversationId, Run.UserId, limit, null, Run.Token);
        // A conversation that is gone, or a retry of a message already stored, will not be appended to: the model is not asked (nor paid).
        if (history is null || history.Messages.Any(m => m.ClientMessageId == _message.ClientMessageId && m.Id != _message.Id))
        {
            return new Asked(null, false, ReplyFailedMessage);
        }
        // The message may not be committed yet: either way the prompt ends with it, once.
        IReadOnlyList<StoredMessage> messages = history.Messages.Any(m => m.Id == _message.Id)
            ? history.Messages
            : [.. history.Messages.Append(_message).TakeLast(limit)];
        var request = _services.Prompts.Build(character, messages, Run.MaxTokens, await _services.Personas.GetAsync(Run.UserId, Run.Token));
        Run.Tokens.Asked(request.Messages, _services.ModelName);
        var pieces = _services.Model.GetStreamingResponseAsync(request.Messages, request.Options, Run.Token).GetAsyncEnumerator(Run.Token);
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
