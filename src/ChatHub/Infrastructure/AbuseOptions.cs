using System.ComponentModel.DataAnnotations;

namespace ChatHub.Infrastructure;

/// <summary>Limits on what anonymous callers and hub connections may cost (<c>Limits:*</c>).</summary>
public sealed class AbuseOptions
{
    public const string Section = "Limits";

    /// <summary>Requests per minute from one client address to the anonymous account endpoints (sign-up, sign-in, refresh, reset …).</summary>
    [Range(1, 1_000_000)]
    public int AnonymousAuthPerMinute { get; set; } = 30;

    /// <summary>Password hashes computed at once; more wait their turn, so sign-ins cannot take every core from the hub and the probes.</summary>
    [Range(1, 64)]
    public int ConcurrentPasswordHashes { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);
}
