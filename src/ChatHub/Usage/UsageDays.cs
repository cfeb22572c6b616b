namespace ChatHub.Usage;

/// <summary>Usage is counted by UTC day and UTC month; budgets reset at their ends.</summary>
public static class UsageDays
{
    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public static DateOnly MonthStart(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>When the day's budget starts again: the next UTC midnight.</summary>
    public static DateTimeOffset DayResetsAt(DateOnly day) => Midnight(day.AddDays(1));

    /// <summary>When the month's budget starts again: midnight UTC on the first of the next month.</summary>
    public static DateTimeOffset MonthResetsAt(DateOnly day) => Midnight(MonthStart(day).AddMonths(1));

    /// <summary>The day as stored and sent: <c>yyyy-MM-dd</c>, which sorts as the days do.</summary>
    public static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static DateOnly Parse(string day) => DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset Midnight(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
