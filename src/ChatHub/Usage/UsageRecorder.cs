using ChatHub.Observability;

namespace ChatHub.Usage;

/// <summary>Counts a finished reply's tokens (or a title's, a summary's): in the metrics, in the node's batch for the store, and in the shared live counter.</summary>
public sealed class UsageRecorder(UsageFlusher flusher, IUsageCounter counter, ChatMetrics metrics, TimeProvider clock)
{
    /// <summary>Never throws. Awaited before the reply's slot is free, so the next message's budget check sees it.</summary>
    /// <param name="reply">False for a request made on the user's behalf that is not a reply (a title, a summary): its tokens count, not as a reply.</param>
    public Task RecordAsync(string userId, string role, ReplyUsage usage, bool reply = true)
    {
        var day = clock.Today();
        flusher.Add(new UsageAmount(userId, day, usage.Model, usage.PromptTokens, usage.CompletionTokens, Replies: reply ? 1 : 0));
        metrics.TokensUsed(role, usage.Model, usage.PromptTokens, usage.CompletionTokens);
        return counter.AddAsync(userId, day, (long)usage.PromptTokens + usage.CompletionTokens);
    }
}
