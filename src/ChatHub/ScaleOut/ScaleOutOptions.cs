namespace ChatHub.ScaleOut;

/// <summary>The <c>Redis</c> configuration section (the connection string is <c>ConnectionStrings:Redis</c>).</summary>
public sealed class ScaleOutOptions
{
    public const string Section = "Redis";

    /// <summary>Keeps deployments that share one Redis apart: channels and keys start with it.</summary>
    public string ChannelPrefix { get; set; } = "characterchat";

    /// <summary>How long a reply's node may stay silent before other nodes take it for dead and end the reply.</summary>
    public TimeSpan ReplyLease { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>The longest any one call to Redis may take; one that takes longer counts as Redis failing.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
