using ChatHub.Accounts.Lockout;
using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts;

/// <summary>Signing up, in and out: <c>/api/auth</c>, open to anyone.</summary>
public static class AccountEndpoints
{
    private const string WrongCredentials = "The email or password is incorrect.";

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Accounts").AllowAnonymous().RequireRateLimiting(AbuseLimits.AnonymousAuthPolicy);
        group.MapPost("/register", RegisterAsync);
        group.MapPost("/login", LoginAsync).MayAskForASecondFactor();
        // Anonymous: the access token may have expired already; holding the refresh token is the proof.
        group.MapPost("/refresh", RefreshAsync);
        group.MapPost("/logout", LogoutAsync);
        return app;
    }

    private static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, IUserStore users, SessionService sessions, HashingGate gate, IOptions<AuthOptions> options, TimeProvider clock,
        CancellationToken ct)
    {
        var email = AccountRules.NormalizeEmail(request.Email);
        if (email is null) return Problems.BadRequest("Enter a valid email address.");
        if (AccountRules.PasswordProblem(request.Password) is { } passwordProblem) return Problems.BadRequest(passwordProblem);
        var name = AccountRules.NameOrEmailName(request.Name, email);
        if (AccountRules.NameProblem(name) is { } nameProblem) return Problems.BadRequest(nameProblem);

        var now = clock.UtcNowMs();
        var hash = await gate.RunAsync(() => PasswordHasher.Hash(request.Password), ct);
        var user = new User(Ids.New(), name, email, hash, options.Value.RoleFor(email), now, now);
        if (!await users.TryCreateAsync(user, ct))
        {
            return Problems.Conflict("An account with this email already exists. Sign in instead.");
        }
        return TypedResults.Ok(await sessions.StartAsync(user, ct));
    }

    /// <summary>A session, or with two-factor authentication on, a <see cref="SecondFactorChallenge"/> (also 200).</summary>
    private static async Task<Results<Ok<AuthResponse>, Ok<SecondFactorChallenge>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, IUserStore users, PasswordHasher hasher, HashingGate gate, SignInService signIn, LoginLockout lockout,
        HttpResponse response, CancellationToken ct)
    {
        var email = AccountRules.NormalizeEmail(request.Email);
        // Counted before the slow hash, so concurrent guesses cannot all pass a check made before any was counted.
        var attempt = email is null ? null : await lockout.BeginAsync(email);
        if (attempt?.LockedFor is { } wait) return Locked(response, wait);

        var password = request.Password ?? "";
        var user = email is null ? null : await users.FindByEmailAsync(email, ct);
        // An account without a password (made by a provider sign-in) costs the same time as an unknown email.
        var valid = await gate.RunAsync(() => user is { HasPassword: true } ? PasswordHasher.Verify(password, user.PasswordHash) : hasher.VerifyDecoy(password), ct);
        if (!valid)
        {
            if (attempt is not null) await attempt.FailedAsync();
            return Problems.Unauthorized(WrongCredentials);
        }
        var step = await signIn.FirstFactorPassedAsync(user!, ct);
        // A right password that leads to a code costs no guess, nor clears the failures: the code step counts its own.
        if (step.Challenge is not null) await attempt!.RefundAsync();
        return step.ToResult();
    }

    private static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> RefreshAsync(
        RefreshTokenRequest request, SessionService sessions, CancellationToken ct) =>
        await sessions.RefreshAsync(request.RefreshToken, ct) is { } renewed
            ? TypedResults.Ok(renewed)
            : Problems.Unauthorized("The refresh token is not valid: it is unknown, expired, revoked or already used. Sign in again.");

    private static async Task<NoContent> LogoutAsync(RefreshTokenRequest request, SessionService sessions, CancellationToken ct)
    {
        await sessions.EndAsync(request.RefreshToken, ct);
        return TypedResults.NoContent();
    }

    internal static Results<Ok<AuthResponse>, Ok<SecondFactorChallenge>, ProblemHttpResult> ToResult(this SignInStep step) =>
        step.Challenge is { } challenge ? TypedResults.Ok(challenge) : TypedResults.Ok(step.Session!);

    /// <summary>The same answer for an email with an account and one without, so a lockout reveals neither.</summary>
    internal static ProblemHttpResult Locked(HttpResponse response, TimeSpan wait)
    {
        var minutes = (int)Math.Ceiling(wait.TotalMinutes);
        return Problems.TooManyRequests(response, wait,
            $"Too many failed attempts with this email. Try again in {minutes} {(minutes == 1 ? "minute" : "minutes")}.");
    }
}
