using System.Security.Claims;
using ChatHub.Accounts.Lockout;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Email;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.Deletion;

/// <summary>Deleting one's own account: asked for while signed in, confirmed from the mail (signed in or not).</summary>
public static class AccountDeletionEndpoints
{
    public static IEndpointRouteBuilder MapAccountDeletion(this IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.MyDeletionRequest, RequestAsync).WithTags("Accounts");
        app.MapPost(Routes.DeleteAccountConfirm, ConfirmAsync).WithTags("Accounts").AllowAnonymous();
        return app;
    }

    /// <summary>
    /// The password, or with two-factor authentication on, a code: an access token alone must not start it.
    /// Wrong ones count towards the email's sign-in lockout, like a wrong current password.
    /// </summary>
    private static async Task<Results<Accepted<EmailSentResponse>, ProblemHttpResult>> RequestAsync(
        AccountDeletionRequest request, ClaimsPrincipal principal, IUserStore users, TwoFactorService twoFactor, LoginLockout lockout,
        AccountDeletionService deletion, IOptions<AuthOptions> options, HttpResponse response, CancellationToken ct)
    {
        if (await users.FindByIdAsync(principal.UserId(), ct) is not { } user) return MeEndpoints.NoAccount();
        if (string.IsNullOrEmpty(request.Password) && string.IsNullOrEmpty(request.Code))
        {
            return Problems.BadRequest("Send your password, or a code from your authenticator app.");
        }
        var attempt = await lockout.BeginAsync(user.Email);
        if (attempt.LockedFor is { } wait) return AccountEndpoints.Locked(response, wait);
        var proven = string.IsNullOrEmpty(request.Password)
            ? await twoFactor.VerifyAsync(user.Id, request.Code, ct)
            : PasswordHasher.Verify(request.Password, user.PasswordHash);
        if (!proven)
        {
            await attempt.FailedAsync();
            return Problems.BadRequest("The password or code is incorrect.");
        }
        await attempt.RefundAsync();

        return await deletion.RequestAsync(user, ct) switch
        {
            AccountDeletionService.RequestOutcome.Sent => TypedResults.Accepted((string?)null, new EmailSentResponse
            {
                Message = $"A link to confirm the deletion is on its way to your email address. It works once, for {options.Value.AccountDeletionMinutes} minutes.",
            }),
            AccountDeletionService.RequestOutcome.TooManyLinks => Problems.TooManyRequests(response, TimeSpan.FromMinutes(options.Value.AccountDeletionMinutes),
                $"{OneTimeToken.MaxLivePerUser} deletion links are on their way already. Use one of them."),
            _ => Problems.Unavailable(response, EmailQueue.Full),
        };
    }

    /// <summary>The user's access tokens stop working and their hub connections close at once.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> ConfirmAsync(
        AccountDeletionConfirmRequest request, AccountDeletionService deletion, CancellationToken ct) =>
        await deletion.ConfirmAsync(request.Token, ct)
            ? TypedResults.NoContent()
            : Problems.BadRequest("This deletion link is not valid: it is unknown, expired or already used.");
}
