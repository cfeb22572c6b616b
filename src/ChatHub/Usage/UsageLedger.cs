using System.Security.Claims;
using ChatHub.Accounts;
using ChatHub.Quotas;
using Microsoft.Extensions.Options;

namespace ChatHub.Usage;

/// <summary>What a user has used and may still use: the stored totals, this node's unstored amounts and the shared live counter.</summary>
public sealed class UsageLedger(IUsageStore store, UsageFlusher flusher, IUsageCounter counter, IOptions<QuotaOptions> quotas, TimeProvider clock)
{
    /// <summary>The tokens counted against the budgets, today and this month, and the budgets themselves.</summary>
    public sealed record Budget(DateOnly Today, long SpentToday, long SpentThisMonth, long? TokensPerDay, long? TokensPerMonth)
    {
        public long? LeftToday => TokensPerDay is { } limit ? Math.Max(0, limit - SpentToday) : null;

        public long? LeftThisMonth => TokensPerMonth is { } limit ? Math.Max(0, limit - SpentThisMonth) : null;
    }

    /// <summary>The user's rows from <paramref name="from"/> to today, with what this node has not stored yet added in.</summary>
    public async Task<IReadOnlyList<UsageAmount>> ReadAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        // A batch written while the store is read could be counted twice or not at all: read again once it is done.
        IReadOnlyList<UsageAmount> stored, pending;
        for (var attempt = 0; ; attempt++)
        {
            var flushes = flusher.Flushes;
            stored = await store.ReadAsync(userId, from, to, cancellationToken);
            (pending, var after) = flusher.PendingFor(userId);
            if ((after == flushes && flushes % 2 == 0) || attempt == 20) break;
            await Task.Delay(TimeSpan.FromMilliseconds(5), clock, cancellationToken);
        }
        return
        [
            .. stored.Concat(pending.Where(a => a.Day >= from && a.Day <= to))
                .GroupBy(a => (a.Day, a.Model))
                .Select(g => g.Aggregate((x, y) => x with { PromptTokens = x.PromptTokens + y.PromptTokens, CompletionTokens = x.CompletionTokens + y.CompletionTokens, Replies = x.Replies + y.Replies })),
        ];
    }

    /// <summary>The budget that this month's rows (from <see cref="ReadAsync"/>) leave the user.</summary>
    public async Task<Budget> BudgetAsync(string userId, string role, IReadOnlyList<UsageAmount> month)
    {
        var quota = quotas.Value.For(role);
        var today = clock.Today();
        var (day, total) = (month.Where(a => a.Day == today).Sum(a => a.TotalTokens), month.Sum(a => a.TotalTokens));
        // Another node's replies of the last few seconds are in the live counter before they are in the store.
        if (await counter.ReadAsync(userId, today) is { } live) (day, total) = (Math.Max(day, live.Day), Math.Max(total, live.Month));
        return new Budget(today, day, total, quota.TokensPerDay, quota.TokensPerMonth);
    }

    /// <summary>
    /// Null when the user may ask the model for a reply, else why not and when that changes. A reply already
    /// running is not counted until it ends, so replies that start together may go over by what they use.
    /// </summary>
    public async Task<string?> RefusalAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var quota = quotas.Value.For(user.Role());
        if (quota.TokensPerDay is null && quota.TokensPerMonth is null) return null;
        var today = clock.Today();
        var month = await ReadAsync(user.UserId(), UsageDays.MonthStart(today), today, cancellationToken);
        var budget = await BudgetAsync(user.UserId(), user.Role(), month);
        if (budget.LeftToday == 0)
        {
            return $"You have used today's budget of {budget.TokensPerDay:N0} tokens. It resets at {UsageDays.DayResetsAt(budget.Today):yyyy-MM-dd HH:mm} UTC.";
        }
        if (budget.LeftThisMonth == 0)
        {
            return $"You have used this month's budget of {budget.TokensPerMonth:N0} tokens. It resets at {UsageDays.MonthResetsAt(budget.Today):yyyy-MM-dd HH:mm} UTC.";
        }
        return null;
    }
}
