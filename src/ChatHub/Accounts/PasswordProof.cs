using System.Security.Claims;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts;

/// <summary>
/// Proof that whoever holds the access token is the account's owner, for changes a stolen token must not make:
/// the current password (wrong ones count towards the sign-in lockout), or for an account without one, a sign-in
/// within <see cref="AuthOptions.RecentSignInMinutes"/>.
/// </summary>
public sealed class PasswordProof(LoginLockout lockout, IOptions<AuthOptions> options, TimeProvider clock)
{
    public const string WrongPassword = "The current password is incorrect.";

    /// <summary>Null when proven; else the answer to give.</summary>
    public ProblemHttpResult? Check(User user, string? password, ClaimsPrincipal principal, HttpResponse response)
    {
        if (!user.HasPassword)
        {
            var minutes = options.Value.RecentSignInMinutes;
            return principal.SignedInAt() >= clock.GetUtcNow().AddMinutes(-minutes)
                ? null
                : Problems.Forbidden($"This account has no password: sign in again, then do this within {minutes} minutes.");
        }
        if (string.IsNullOrEmpty(password)) return Problems.BadRequest("Send your current password.");
        if (lockout.LockedFor(user.Email) is { } wait) return AccountEndpoints.Locked(response, wait);
        if (PasswordHasher.Verify(password, user.PasswordHash)) return null;
        lockout.Failed(user.Email);
        return Problems.BadRequest(WrongPassword);
    }
}
