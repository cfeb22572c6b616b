using ChatHub.Contracts;
using ChatHub.Conversations;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat;

/// <summary>
/// The replies this node writes, by conversation, by reply and by user: at most one in flight per
/// conversation and a bounded number per user. It hands out <see cref="ReplySlot"/>s and takes them
/// back; nothing else adds or removes a reply. At shutdown it lets the replies in flight finish for a
/// while, then cuts the rest short (they are still stored).
/// </summary>
public sealed partial class ReplySlots(
    IReplyRegistry registry,
    ReplyEnding ending,
    IOptions<ChatSettings> settings,
    ILogger<ReplySlots> logger) : IHostedService, IConversationEvents, ILocalReplies
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ReplySlot> _byConversation = [];
    private readonly Dictionary<string, ReplySlot> _byReply = [];
    private readonly Dictionary<string, int> _perUser = [];
    private bool _stopping;

    /// <summary>A slot for the run, here and deployment-wide; or why not, in words for the user.</summary>
    /// <param name="maxPerUser">The user's quota of replies in flight.</param>
    public async ValueTask<(ReplySlot? Slot, string? Refusal)> TryTakeAsync(ReplyRun run, int maxPerUser)
    {
        var slot = new ReplySlot(this, run);
        lock (_lock)
        {
            if (_stopping) return (null, "The service is restarting. Please send your message again in a moment.");
            if (_byConversation.ContainsKey(run.ConversationId)) return (null, Refusals.ConversationBusy);
            var count = _perUser.GetValueOrDefault(run.UserId);
            if (count >= maxPerUser) return (null, Refusals.TooManyReplies(maxPerUser));
            _byConversation[run.ConversationId] = slot;
            _byReply[run.ReplyId] = slot;
            _perUser[run.UserId] = count + 1;
        }
        string? refusal;
        try
        {
            refusal = await registry.TryReserveAsync(run, maxPerUser);
        }
        catch
        {
            await slot.DisposeAsync();
            throw;
        }
        if (refusal is null) return (slot, null);
        await slot.DisposeAsync();
        return (null, refusal);
    }

    /// <summary>Called once per slot, by the slot.</summary>
    internal async Task ReleaseAsync(ReplySlot slot)
    {
        var run = slot.Run;
        lock (_lock)
        {
            _byReply.Remove(run.ReplyId);
            _byConversation.Remove(run.ConversationId);
            if (--_perUser[run.UserId] == 0) _perUser.Remove(run.UserId);
        }
        try
        {
            await registry.ReleaseAsync(run);
        }
        catch (Exception ex)
        {
            // Here the slot is free; the shared one runs out with its lease.
            LogSharedReleaseFailed(logger, ex, run.ReplyId);
        }
    }

    /// <summary>The reply in flight in the conversation, written here or on another node.</summary>
    public async ValueTask<ActiveReply?> ActiveAsync(string conversationId)
    {
        ReplySlot? slot;
        lock (_lock) _byConversation.TryGetValue(conversationId, out slot);
        return slot?.Run.Snapshot() ?? await registry.FindActiveAsync(conversationId);
    }

    /// <summary>Stops the user's reply, wherever it is written; false when there is no such reply in flight (or it is someone else's).</summary>
    public async ValueTask<bool> TryStopAsync(string replyId, string userId) =>
        Stop(replyId, userId) || await registry.RequestStopAsync(replyId, userId);

    public IReadOnlyList<ReplyRun> Running()
    {
        lock (_lock) return [.. _byReply.Values.Select(s => s.Run)];
    }

    public bool Stop(string replyId, string userId)
    {
        ReplySlot? slot;
        lock (_lock)
        {
            if (!_byReply.TryGetValue(replyId, out slot) || slot.Run.UserId != userId) return false;
        }
        slot.Run.CutShort(CutReason.StoppedByUser);
        return true;
    }

    public void EndForDeletedConversation(string conversationId)
    {
        ReplySlot? slot;
        lock (_lock) _byConversation.TryGetValue(conversationId, out slot);
        slot?.Run.CutShort(CutReason.ConversationDeleted);
    }

    public Task FinishOrphanAsync(OrphanReply orphan) => ending.FinishOrphanAsync(orphan);

    public void Deleted(string conversationId)
    {
        EndForDeletedConversation(conversationId);
        _ = registry.ConversationDeletedAsync(conversationId).AsTask();
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ReplySlot[] slots;
        lock (_lock)
        {
            _stopping = true;
            slots = [.. _byReply.Values];
        }
        if (slots.Length == 0) return;
        var all = Task.WhenAll(slots.Select(s => s.Released));
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(settings.Value.ShutdownDrainSeconds), cancellationToken);
        }
        catch (TimeoutException)
        {
            foreach (var slot in slots) slot.Run.CutShort(CutReason.Shutdown);
            await all.WaitAsync(cancellationToken);
        }
    }

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "The shared slot of reply {ReplyId} could not be given back; it runs out with its lease")]
    private static partial void LogSharedReleaseFailed(ILogger logger, Exception exception, string replyId);
}
