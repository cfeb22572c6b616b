using System.Security.Claims;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// A session that ended, or all of a user's when <paramref name="SessionId"/> is null, with the
/// <see cref="Contracts.SessionEndReasons">reason</see> its connections are told before they close.
/// </summary>
public sealed record SessionEnd(string UserId, string? SessionId, string Reason)
{
    /// <summary>True for a connection signed in with a token of this session (of this user, for all of them).</summary>
    public bool Covers(ClaimsPrincipal principal) =>
        principal.UserId() == UserId && (SessionId is null || principal.SessionId() == SessionId);

    /// <summary>As it travels between nodes: ids and reasons hold no '|'.</summary>
    public string ToMessage() => $"{UserId}|{SessionId}|{Reason}";

    public static SessionEnd? Parse(string? message) =>
        message?.Split('|') is [{ Length: > 0 } userId, var sessionId, { Length: > 0 } reason]
            ? new SessionEnd(userId, sessionId.Length == 0 ? null : sessionId, reason)
            : null;
}
