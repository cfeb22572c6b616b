using ChatHub.Accounts.Lockout;
using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Infrastructure;

namespace ChatHub.Accounts;

/// <summary>A sign-in's next step: a session, or the challenge for a second factor.</summary>
public sealed record SignInStep(AuthResponse? Session, SecondFactorChallenge? Challenge);

/// <summary>
/// Finishes a sign-in whose first factor was proven (the password; an OAuth provider goes the same way): a
/// session, or when the account has two-factor authentication on, a short-lived challenge that
/// <c>POST /api/auth/login/2fa</c> trades with a code for a session.
/// </summary>
public sealed class SignInService(
    TwoFactorService twoFactor,
    [FromKeyedServices(OneTimeTokenKind.LoginChallenge)] IOneTimeTokenStore challenges,
    SessionService sessions,
    LoginLockout lockout,
    TimeProvider clock)
{
    /// <summary>Long enough to open an authenticator and type a code; short, because it stands for a proven password.</summary>
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(5);

    public async Task<SignInStep> FirstFactorPassedAsync(User user, CancellationToken cancellationToken)
    {
        if (!await twoFactor.IsOnAsync(user.Id, cancellationToken)) return await CompleteAsync(user, cancellationToken);

        // The failure count is not cleared here: a right password must not buy more guesses at the code.
        var secret = OpaqueTokens.New();
        var now = clock.UtcNowMs();
        var challenge = new OneTimeToken(Ids.New(), secret.Hash, user.Id, user.Email, now, now + ChallengeLifetime);
        await challenges.CreateAsync(challenge, cancellationToken);
        return new SignInStep(null, new SecondFactorChallenge { SecondFactorToken = secret.Value, ExpiresAt = challenge.ExpiresAt });
    }

    /// <summary>Every factor the account has is proven: the failures are forgotten and a session starts.</summary>
    public async Task<SignInStep> CompleteAsync(User user, CancellationToken cancellationToken)
    {
        await lockout.ClearAsync(user.Email);
        return new SignInStep(await sessions.StartAsync(user, cancellationToken), null);
    }
}
