using System.Collections.Concurrent;
using ChatHub.Conversations;
using ChatHub.Llm;

namespace ChatHub.Chat;

/// <summary>
/// Keeps a conversation's rolling summary (<see cref="ConversationMemory"/>): once a reply is stored, in the background
/// so no reply waits for it, the part of the branch that no longer fits the prompt is folded into the summary by the
/// model that wrote the reply, a stretch at a time. A summary that does not cover a message of the current branch (a
/// branch switch or a delete took its messages away) is dropped, and the next fold starts again from the root.
/// </summary>
public sealed partial class ConversationMemoryWriter(
    IConversationStore conversations,
    BackgroundAsks asks,
    TimeProvider clock,
    ILogger<ConversationMemoryWriter> logger)
{
    /// <summary>A fold covers this many more messages than fell out, so that the next few prompts have room and no gap.</summary>
    public const int FoldAhead = 10;

    /// <summary>The newest messages a fold never covers: the prompt always carries them verbatim.</summary>
    private const int KeepVerbatim = 2;

    // The longest branch a fold or a check reads; beyond, the oldest messages are left out of the summary.
    private const int MaxPath = 10_000;

    private readonly ConcurrentDictionary<string, byte> _running = new();

    /// <summary>The fold or check last started, for a host that waits for it.</summary>
    public Task Pending { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Where a fold should reach after a prompt kept only the newest of <paramref name="history"/>: through the message
    /// before the oldest kept plus <see cref="FoldAhead"/> (never one of the last <see cref="KeepVerbatim"/>); null when
    /// nothing fell out that the summary does not already cover.
    /// </summary>
    /// <param name="olderUncovered">The branch goes on before <paramref name="history"/> and the summary does not reach it.</param>
    public static string? FoldTarget(IReadOnlyList<StoredMessage> history, string? oldestKeptId, bool olderUncovered)
    {
        var kept = oldestKeptId is null ? -1 : IndexOf(history, oldestKeptId);
        var fellOut = Math.Max(kept, 0);
        if (fellOut == 0 && !olderUncovered) return null;
        var end = Math.Max(fellOut, Math.Min(fellOut + FoldAhead, history.Count - KeepVerbatim));
        return end > 0 ? history[end - 1].Id : null;
    }

    /// <summary>Starts folding the branch through <paramref name="throughId"/> into the summary; one fold per conversation at a time.</summary>
    /// <param name="role">The user's role, by which the summary's tokens are counted.</param>
    public void Start(Conversation conversation, string throughId, ModelProfile profile, string role) =>
        Run(conversation.Id, () => FoldAsync(conversation, throughId, profile, role));

    /// <summary>The active branch changed (another selected, messages deleted): a summary that no longer covers it is dropped.</summary>
    public void BranchChanged(string conversationId, string userId) => Run(conversationId, () => CheckAsync(conversationId, userId));

    private void Run(string conversationId, Func<Task> work)
    {
        if (!_running.TryAdd(conversationId, 0)) return; // the next reply tries again
        Pending = Task.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, conversationId);
            }
            finally
            {
                _running.TryRemove(conversationId, out _);
            }
        });
    }

    private async Task FoldAsync(Conversation conversation, string throughId, ModelProfile profile, string role)
    {
        var (id, userId) = (conversation.Id, conversation.UserId);
        if (await conversations.GetAsync(id, userId, CancellationToken.None) is not { Memory: { Enabled: true } before }) return;
        if (await conversations.GetPathAsync(id, userId, throughId, MaxPath, CancellationToken.None) is not { Messages.Count: > 0 } path) return;
        var messages = path.Messages;
        // A summary covering a message of this branch goes on from it; one written by the user before any fold is the start.
        var covered = before.ThroughId is { } through ? IndexOf(messages, through) : -1;
        var summary = covered >= 0 || before.ThroughId is null ? before.Summary : "";
        var rest = messages.Skip(covered + 1).ToList();
        if (rest.Count == 0) return;
        foreach (var stretch in Stretches(rest))
        {
            summary = SummaryPrompt.Read(await asks.AskAsync(profile, SummaryPrompt.Build(summary, stretch), userId, role)) ?? summary;
        }
        // The user's edit (or switch) made meanwhile wins over this fold.
        if ((await conversations.GetAsync(id, userId, CancellationToken.None))?.Memory != before) return;
        await conversations.SetMemoryAsync(id, userId, new ConversationMemory(summary, throughId, Enabled: true, clock.GetUtcNow()), CancellationToken.None);
    }

    private async Task CheckAsync(string conversationId, string userId)
    {
        if (await conversations.GetAsync(conversationId, userId, CancellationToken.None) is not { Memory.ThroughId: { } through } current) return;
        var branch = current.LeafId is { } leaf ? await conversations.GetPathAsync(conversationId, userId, leaf, MaxPath, CancellationToken.None) : null;
        if (branch is not null && (branch.HasMore || IndexOf(branch.Messages, through) >= 0)) return;
        await conversations.SetMemoryAsync(conversationId, userId, current.Memory with { Summary = "", ThroughId = null, UpdatedAt = clock.GetUtcNow() }, CancellationToken.None);
    }

    /// <summary>The messages in stretches of about <see cref="SummaryPrompt.ChunkTokens"/> tokens, one request each.</summary>
    private static IEnumerable<List<StoredMessage>> Stretches(List<StoredMessage> messages)
    {
        var stretch = new List<StoredMessage>();
        var tokens = 0;
        foreach (var message in messages)
        {
            var cost = TokenCounter.Count(message.Text);
            if (stretch.Count > 0 && tokens + cost > SummaryPrompt.ChunkTokens)
            {
                yield return stretch;
                (stretch, tokens) = ([], 0);
            }
            stretch.Add(message);
            tokens += cost;
        }
        if (stretch.Count > 0) yield return stretch;
    }

    private static int IndexOf(IReadOnlyList<StoredMessage> messages, string id)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Id == id) return i;
        }
        return -1;
    }

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "The summary of conversation {ConversationId} could not be written")]
    private static partial void LogFailed(ILogger logger, Exception exception, string conversationId);
}
