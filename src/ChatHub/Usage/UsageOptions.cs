using System.ComponentModel.DataAnnotations;

namespace ChatHub.Usage;

/// <summary>The <c>Usage</c> configuration section.</summary>
public sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>
    /// How often a node adds the tokens its replies used to the <c>usage</c> totals (one write per user, day
    /// and model in that time). A node that crashes loses at most this long of its totals; every reply keeps its own usage.
    /// </summary>
    [Range(0.05, 3600)]
    public double FlushSeconds { get; set; } = 2;
}
