namespace ChatHub.Usage;

/// <summary>One user's tokens over a range of days, for the admin's top list.</summary>
public sealed record UserUsageTotal(string UserId, long PromptTokens, long CompletionTokens, long Replies)
{
    public long TotalTokens => PromptTokens + CompletionTokens;
}
