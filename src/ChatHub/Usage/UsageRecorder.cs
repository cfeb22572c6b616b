using ChatHub.Observability;

namespace ChatHub.Usage;

/// <summary>Counts a finished reply's tokens: in the metrics, in the node's batch for the store, and in the shared live counter.</summary>
public sealed class UsageRecorder(UsageFlusher flusher, IUsageCounter counter, ChatMetrics metrics, TimeProvider clock)
{
    /// <summary>Never throws. Awaited before the reply's slot is free, so the next message's budget check sees it.</summary>
    public Task RecordAsync(string userId, string role, ReplyUsage usage)
    {
        var day = clock.Today();
        flusher.Add(new UsageAmount(userId, day, usage.Model, usage.PromptTokens, usage.CompletionTokens, Replies: 1));
        metrics.TokensUsed(role, usage.Model, usage.PromptTokens, usage.CompletionTokens);
        return counter.AddAsync(userId, day, (long)usage.PromptTokens + usage.CompletionTokens);
    }
}
