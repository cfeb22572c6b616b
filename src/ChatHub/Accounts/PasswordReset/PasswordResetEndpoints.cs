using ChatHub.Contracts;
using ChatHub.Email;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Accounts.PasswordReset;

/// <summary>Forgotten passwords: <c>/api/auth/password-reset</c>, open to anyone.</summary>
public static class PasswordResetEndpoints
{
    private static readonly EmailSentResponse Sent = new()
    {
        Message = "If an account has this email, a reset link is on its way. It works once and expires soon.",
    };

    public static IEndpointRouteBuilder MapPasswordReset(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.PasswordReset).WithTags("Accounts").AllowAnonymous().RequireRateLimiting(AbuseLimits.AnonymousAuthPolicy);
        group.MapPost("", RequestAsync);
        group.MapPost("/confirm", ConfirmAsync);
        return app;
    }

    /// <summary>
    /// 202 and the same body whether or not the email has an account: the handler only queues the work, so a
    /// known and an unknown email take the same path here. A malformed email is a 400, which tells nothing.
    /// </summary>
    private static Results<Accepted<EmailSentResponse>, ProblemHttpResult> RequestAsync(
        PasswordResetRequest request, PasswordResetService resets, HttpResponse response)
    {
        if (AccountRules.NormalizeEmail(request.Email) is not { } email) return Problems.BadRequest("Enter a valid email address.");
        if (!resets.Request(email)) return Problems.Unavailable(response, EmailQueue.Full);
        return TypedResults.Accepted((string?)null, Sent);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ConfirmAsync(
        PasswordResetConfirmRequest request, PasswordResetService resets, CancellationToken ct)
    {
        // Checked first, so a password that is refused does not spend the link.
        if (AccountRules.PasswordProblem(request.NewPassword) is { } problem) return Problems.BadRequest(problem);
        return await resets.ConfirmAsync(request.Token, request.NewPassword, ct)
            ? TypedResults.NoContent()
            : Problems.BadRequest("This reset link is not valid: it is unknown, expired or already used. Ask for a new one.");
    }
}
