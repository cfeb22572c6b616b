using System.ComponentModel.DataAnnotations;

namespace ChatHub.Accounts;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>JWT signing key (at least 32 characters). Unset: generated once and kept in the data dir.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "characterchat";

    public string Audience { get; set; } = "characterchat";

    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 60;

    /// <summary>Accounts registered with these emails get the admin role.</summary>
    public string[] AdminEmails { get; set; } = [];
}
