namespace ChatHub.Contracts;

/// <summary>Tokens over some span: prompt and reply tokens, their sum, and how many replies used them.</summary>
public sealed record UsageTotals
{
    public required long PromptTokens { get; init; }
    public required long CompletionTokens { get; init; }
    public required long TotalTokens { get; init; }
    public required long Replies { get; init; }
}

/// <summary>One UTC day's tokens; <see cref="Day"/> is <c>yyyy-MM-dd</c>.</summary>
public sealed record UsageDay
{
    public required string Day { get; init; }
    public required UsageTotals Usage { get; init; }
}

/// <summary>One model's tokens over the days asked for.</summary>
public sealed record UsageByModel
{
    public required string Model { get; init; }
    public required UsageTotals Usage { get; init; }
}

/// <summary>The role's token budgets (null: no limit), what is left of each, and when each starts again (UTC midnight).</summary>
public sealed record UsageBudget
{
    public long? TokensPerDay { get; init; }
    public long? TokensPerMonth { get; init; }
    public long? LeftToday { get; init; }
    public long? LeftThisMonth { get; init; }
    public required DateTimeOffset DayResetsAt { get; init; }
    public required DateTimeOffset MonthResetsAt { get; init; }
}

/// <summary><c>GET /api/me/usage?days=30</c>: today, this month, each of the last <c>days</c> days (oldest first, empty days too), per model over those days, and the budgets.</summary>
public sealed record MyUsage
{
    public required UsageTotals Today { get; init; }
    public required UsageTotals Month { get; init; }
    public required IReadOnlyList<UsageDay> Days { get; init; }
    public required IReadOnlyList<UsageByModel> Models { get; init; }
    public required UsageBudget Budget { get; init; }
}

public sealed record UserUsage
{
    public required string UserId { get; init; }
    /// <summary>Null when the account is gone.</summary>
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Role { get; init; }
    public required UsageTotals Usage { get; init; }
}

/// <summary><c>GET /api/admin/usage?from=&amp;to=&amp;limit=</c>: the users who used the most tokens from <c>from</c> to <c>to</c> (UTC days, both included), most first.</summary>
public sealed record TopUsage
{
    public required string From { get; init; }
    public required string To { get; init; }
    public required IReadOnlyList<UserUsage> Users { get; init; }
}
