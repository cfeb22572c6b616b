using System.Globalization;
using System.Security.Claims;
using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Usage;

/// <summary><c>GET /api/me/usage</c> for everyone, <c>GET /api/admin/usage</c> for admins.</summary>
public static class UsageEndpoints
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;
    public const int DefaultTopUsers = 20;
    public const int MaxTopUsers = 100;

    public static IEndpointRouteBuilder MapUsage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.MyUsage, MineAsync).WithTags("Usage");
        app.MapGet(Routes.AdminUsage, TopAsync).WithTags("Admin").RequireAuthorization(AccountsExtensions.AdminPolicy);
        return app;
    }

    private static async Task<Results<Ok<MyUsage>, ProblemHttpResult>> MineAsync(int? days, ClaimsPrincipal user, UsageLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        if (days is < 1 or > MaxDays) return Problems.BadRequest($"days must be between 1 and {MaxDays}.");
        var today = clock.Today();
        var (first, monthStart) = (today.AddDays(1 - (days ?? DefaultDays)), UsageDays.MonthStart(today));
        var rows = await ledger.ReadAsync(user.UserId(), first < monthStart ? first : monthStart, today, ct);
        var budget = await ledger.BudgetAsync(user.UserId(), user.Role(), [.. rows.Where(r => r.Day >= monthStart)]);
        var window = rows.Where(r => r.Day >= first).ToList();
        return TypedResults.Ok(new MyUsage
        {
            Today = Totals(rows.Where(r => r.Day == today)),
            Month = Totals(rows.Where(r => r.Day >= monthStart)),
            Days = [.. Enumerable.Range(0, today.DayNumber - first.DayNumber + 1).Select(i => first.AddDays(i))
                .Select(day => new UsageDay { Day = UsageDays.Format(day), Usage = Totals(window.Where(r => r.Day == day)) })],
            Models = [.. window.GroupBy(r => r.Model).Select(g => new UsageByModel { Model = g.Key, Usage = Totals(g) }).OrderByDescending(m => m.Usage.TotalTokens)],
            Budget = new UsageBudget
            {
                TokensPerDay = budget.TokensPerDay,
                TokensPerMonth = budget.TokensPerMonth,
                LeftToday = budget.LeftToday,
                LeftThisMonth = budget.LeftThisMonth,
                DayResetsAt = UsageDays.DayResetsAt(today),
                MonthResetsAt = UsageDays.MonthResetsAt(today),
            },
        });
    }

    private static async Task<Results<Ok<TopUsage>, ProblemHttpResult>> TopAsync(
        string? from, string? to, int? limit, IUsageStore store, IUserStore users, TimeProvider clock, CancellationToken ct)
    {
        if (limit is < 1 or > MaxTopUsers) return Problems.BadRequest($"limit must be between 1 and {MaxTopUsers}.");
        if (!TryDay(to, clock.Today(), out var last)) return Problems.BadRequest("to must be a day written yyyy-MM-dd.");
        if (!TryDay(from, last.AddDays(1 - DefaultDays), out var first)) return Problems.BadRequest("from must be a day written yyyy-MM-dd.");
        if (first > last || last.DayNumber - first.DayNumber >= MaxDays) return Problems.BadRequest($"from must come before to, at most {MaxDays} days apart.");
        var top = await store.TopUsersAsync(first, last, limit ?? DefaultTopUsers, ct);
        var people = await Task.WhenAll(top.Select(t => users.FindByIdAsync(t.UserId, ct)));
        return TypedResults.Ok(new TopUsage
        {
            From = UsageDays.Format(first),
            To = UsageDays.Format(last),
            Users = [.. top.Zip(people, (t, u) => new UserUsage
            {
                UserId = t.UserId,
                Name = u?.Name,
                Email = u?.Email,
                Role = u?.Role,
                Usage = new UsageTotals { PromptTokens = t.PromptTokens, CompletionTokens = t.CompletionTokens, TotalTokens = t.TotalTokens, Replies = t.Replies },
            })],
        });
    }

    private static UsageTotals Totals(IEnumerable<UsageAmount> rows)
    {
        var list = rows as IReadOnlyCollection<UsageAmount> ?? [.. rows];
        return new UsageTotals
        {
            PromptTokens = list.Sum(r => r.PromptTokens),
            CompletionTokens = list.Sum(r => r.CompletionTokens),
            TotalTokens = list.Sum(r => r.TotalTokens),
            Replies = list.Sum(r => r.Replies),
        };
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return text is null || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
