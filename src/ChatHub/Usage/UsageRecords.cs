namespace ChatHub.Usage;

/// <summary>One user's tokens on one UTC day with one model: a row of <c>usage</c>, or an amount to add to one.</summary>
public sealed record UsageAmount(string UserId, DateOnly Day, string Model, long PromptTokens, long CompletionTokens, long Replies)
{
    public long TotalTokens => PromptTokens + CompletionTokens;
}
