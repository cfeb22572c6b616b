using System.ComponentModel.DataAnnotations;

namespace ChatHub.Accounts;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>JWT signing key (at least 32 characters). Unset: generated once and kept in the data dir.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "characterchat";

    public string Audience { get; set; } = "characterchat";

    /// <summary>Short, because an access token cannot be taken back before it expires; the refresh token gets the next one.</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>How long a refresh token lasts; each refresh gives a new one, so a session lasts while it is used.</summary>
    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>
    /// How long a node trusts what it last read of a user's token version (0: read on every call).
    /// Changes made through this node apply at once; through another node, within this time.
    /// </summary>
    [Range(0, 30)]
    public int SessionCheckSeconds { get; set; } = 10;

    /// <summary>Failed sign-ins for one email, within <see cref="LockoutMinutes"/>, that lock it for <see cref="LockoutMinutes"/>.</summary>
    [Range(1, 100)]
    public int LockoutFailures { get; set; } = 5;

    [Range(1, 24 * 60)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// For an account without a password: how recent its session's sign-in must be for the sign-in to stand in for the
    /// password (turning 2FA on or off).
    /// </summary>
    [Range(1, 60)]
    public int RecentSignInMinutes { get; set; } = 10;

    /// <summary>A password reset turns off a second factor turned on within this many hours (0: never).</summary>
    [Range(0, 24 * 30)]
    public int ResetClears2faHours { get; set; } = 24;

    /// <summary>How long a password reset link works.</summary>
    [Range(5, 24 * 60)]
    public int PasswordResetMinutes { get; set; } = 30;

    /// <summary>How long an account deletion link works.</summary>
    [Range(5, 24 * 60)]
    public int AccountDeletionMinutes { get; set; } = 30;

    /// <summary>Accounts registered with these emails get the admin role.</summary>
    public string[] AdminEmails { get; set; } = [];

    /// <summary>The role a new account with this (normalized) email starts with.</summary>
    public string RoleFor(string email) => AdminEmails.Contains(email, StringComparer.OrdinalIgnoreCase) ? Roles.Admin : Roles.Free;
}
