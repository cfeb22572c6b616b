using System.Security.Claims;
using ChatHub.Accounts.Lockout;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Accounts.TwoFactor;

/// <summary>Two-factor authentication: the second sign-in step, and the signed-in user's own settings at <c>/api/me/2fa</c>.</summary>
public static class TwoFactorEndpoints
{
    private const string ChallengeEnded = "This sign-in has expired or is already complete. Sign in again with your password.";
    private const string WrongCode = "The code is incorrect.";

    public static IEndpointRouteBuilder MapTwoFactor(this IEndpointRouteBuilder app)
    {
        app.MapPost(Routes.LoginSecondFactor, LoginAsync).WithTags("Accounts").AllowAnonymous().RequireRateLimiting(AbuseLimits.AnonymousAuthPolicy);

        var me = app.MapGroup(Routes.MyTwoFactor).WithTags("Accounts");
        me.MapGet("", StatusAsync);
        me.MapPost("/enroll", EnrollAsync);
        me.MapPost("/confirm", ConfirmAsync);
        me.MapPost("/disable", DisableAsync);
        return app;
    }

    /// <summary>
    /// A wrong code keeps the challenge (a typo needs no new password) but counts towards the email's lockout,
    /// which the password step shares: five failures of either kind lock the sign-in.
    /// </summary>
    private static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> LoginAsync(
        SecondFactorLoginRequest request, [FromKeyedServices(OneTimeTokenKind.LoginChallenge)] IOneTimeTokenStore challenges,
        TwoFactorService twoFactor, SignInService signIn, IUserStore users, LoginLockout lockout, HttpResponse response,
        TimeProvider clock, CancellationToken ct)
    {
        var hash = OpaqueTokens.HashOf(request.SecondFactorToken);
        if (hash is null || await challenges.FindAsync(hash, clock.UtcNowMs(), ct) is not { } challenge) return Problems.Unauthorized(ChallengeEnded);
        var attempt = await lockout.BeginAsync(challenge.Email);
        if (attempt.LockedFor is { } wait) return AccountEndpoints.Locked(response, wait);
        if (!await twoFactor.VerifyAsync(challenge.UserId, request.Code, ct))
        {
            await attempt.FailedAsync();
            return Problems.Unauthorized(WrongCode);
        }
        // Used up only now, in one conditional write: of two requests with the same challenge, one gets the session.
        if (await challenges.TryUseAsync(hash, clock.UtcNowMs(), ct) is null
            || await users.FindByIdAsync(challenge.UserId, ct) is not { } user
            || user.Email != challenge.Email)
        {
            return Problems.Unauthorized(ChallengeEnded);
        }
        return TypedResults.Ok((await signIn.CompleteAsync(user, ct)).Session!);
    }

    private static async Task<Ok<TwoFactorStatus>> StatusAsync(ClaimsPrincipal principal, TwoFactorService twoFactor, CancellationToken ct)
    {
        var enrollment = await twoFactor.FindAsync(principal.UserId(), ct);
        return TypedResults.Ok(new TwoFactorStatus
        {
            Enabled = enrollment?.IsOn == true,
            BackupCodesLeft = enrollment?.IsOn == true ? enrollment.BackupCodeHashes.Count : 0,
        });
    }

    /// <summary>
    /// Starts over with a new secret each time, until a code confirms one. Needs the password (or a fresh sign-in): whoever
    /// holds only a stolen access token must not put their own authenticator on the account and lock its owner out.
    /// </summary>
    private static async Task<Results<Ok<TwoFactorSetup>, ProblemHttpResult>> EnrollAsync(
        TwoFactorEnrollRequest? request, ClaimsPrincipal principal, IUserStore users, TwoFactorService twoFactor, PasswordProof proof,
        HttpResponse response, CancellationToken ct)
    {
        if (await users.FindByIdAsync(principal.UserId(), ct) is not { } user) return MeEndpoints.NoAccount();
        if (await proof.CheckAsync(user, request?.Password, principal, response) is { } refused) return refused;
        if (await twoFactor.BeginAsync(user, ct) is not var (secret, uri)) return AlreadyOn();
        return TypedResults.Ok(new TwoFactorSetup { Secret = secret, OtpauthUri = uri, QrSvg = OtpauthQrCode.Svg(uri) });
    }

    /// <summary>
    /// Confirms only a set-up started (with the password) within <see cref="TwoFactorService.SetUpLifetime"/>. A wrong
    /// code here does not count towards the lockout: whoever confirms holds the secret already, so there is nothing to
    /// guess, and a fumbled set-up must not lock the owner out of signing in. The owner is mailed.
    /// </summary>
    private static async Task<Results<Ok<TwoFactorBackupCodes>, ProblemHttpResult>> ConfirmAsync(
        TwoFactorCodeRequest request, ClaimsPrincipal principal, IUserStore users, TwoFactorService twoFactor, TwoFactorNotices notices,
        TimeProvider clock, CancellationToken ct)
    {
        if (await users.FindByIdAsync(principal.UserId(), ct) is not { } user) return MeEndpoints.NoAccount();
        var pending = await twoFactor.FindAsync(user.Id, ct);
        if (pending is null || pending.CreatedAt + TwoFactorService.SetUpLifetime < clock.GetUtcNow())
        {
            return Problems.Conflict("There is no set-up to confirm, or it is over 10 minutes old. Start with POST /api/me/2fa/enroll.");
        }
        if (pending.IsOn) return AlreadyOn();
        if (await twoFactor.ConfirmAsync(pending, request.Code, ct) is not { } codes)
        {
            return Problems.BadRequest("The code is incorrect, or the set-up was started again meanwhile. Check the authenticator's clock and try again.");
        }
        notices.TurnedOn(user);
        return TypedResults.Ok(new TwoFactorBackupCodes { BackupCodes = codes });
    }

    /// <summary>
    /// Needs the password (or a fresh sign-in) and a code (or a backup code): an access token alone must not remove the
    /// second factor. Failures count towards the lockout. The owner is mailed.
    /// </summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DisableAsync(
        TwoFactorDisableRequest request, ClaimsPrincipal principal, IUserStore users, TwoFactorService twoFactor, PasswordProof proof,
        LoginLockout lockout, TwoFactorNotices notices, HttpResponse response, CancellationToken ct)
    {
        if (await users.FindByIdAsync(principal.UserId(), ct) is not { } user) return MeEndpoints.NoAccount();
        if (!await twoFactor.IsOnAsync(user.Id, ct)) return Problems.Conflict("Two-factor authentication is not on.");
        if (await proof.CheckAsync(user, request.Password, principal, response) is { } refused) return refused;
        var attempt = await lockout.BeginAsync(user.Email);
        if (attempt.LockedFor is { } wait) return AccountEndpoints.Locked(response, wait);
        if (!await twoFactor.VerifyAsync(user.Id, request.Code, ct))
        {
            await attempt.FailedAsync();
            return Problems.BadRequest(WrongCode);
        }
        await attempt.RefundAsync();
        await twoFactor.DisableAsync(user.Id, ct);
        notices.TurnedOff(user, "with the password and a code");
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult AlreadyOn() => Problems.Conflict("Two-factor authentication is already on. Disable it first to set it up again.");
}
