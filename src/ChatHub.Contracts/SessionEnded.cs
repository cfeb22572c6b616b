namespace ChatHub.Contracts;

/// <summary>
/// Sent to a hub connection just before the server closes it because its session ended. The client acts on
/// <see cref="Reason"/>, one of <see cref="SessionEndReasons"/>: refresh and reconnect, or sign in again.
/// </summary>
public sealed record SessionEnded
{
    public required string Reason { get; init; }
}

/// <summary>The values of <see cref="SessionEnded.Reason"/>. New ones may be added: treat an unknown one as "sign in again".</summary>
public static class SessionEndReasons
{
    /// <summary>The access token expired: refresh it and reconnect.</summary>
    public const string Expired = "expired";
    /// <summary>This session signed out (on this or another device): sign in again.</summary>
    public const string SignedOut = "signed-out";
    /// <summary>The password was changed or reset: every session ended; sign in again with the new password.</summary>
    public const string PasswordChanged = "password-changed";
    /// <summary>An admin changed the account's role: refresh (the new token carries the new role) and reconnect.</summary>
    public const string RoleChanged = "role-changed";
    /// <summary>The account was deleted.</summary>
    public const string AccountDeleted = "account-deleted";
    /// <summary>The session was ended from elsewhere: signed out from another device, or its refresh token was used twice.</summary>
    public const string SessionRevoked = "session-revoked";

    /// <summary>Reasons after which a refresh and a reconnect carry on where the connection was.</summary>
    public static bool CanResume(string reason) => reason is Expired or RoleChanged;
}
