using System.Net;
using ChatHub.Accounts;
using ChatHub.Accounts.Sessions;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>
/// Whoever holds only a stolen access token must not be able to put their own authenticator on the account (and lock
/// its owner out), nor take the owner's off; the owner hears of every change and recovers by a password reset.
/// </summary>
public sealed class TwoFactorTakeoverTests(MailingServer mailing) : IClassFixture<MailingServer>
{
    private ChatServer Server => mailing.Server;
    private SmtpTestServer Smtp => mailing.Smtp;

    [Fact]
    public async Task AnAccessTokenAloneCannotStartTwoFactorSetUp()
    {
        var user = await Server.CreateUserAsync();

        var none = await Server.PostJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest(), user.AccessToken);
        var wrong = await Server.PostJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = "not my password" }, user.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Equal("Send your current password.", (await none.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("The current password is incorrect.", (await wrong.ProblemAsync()).Detail);
        var confirm = await Server.PostJsonAsync(Routes.MyTwoFactorConfirm, new TwoFactorCodeRequest { Code = "123456" }, user.AccessToken);
        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.NotNull((await (await Server.LoginAsync(user.Email, user.Password)).ReadAsync<AuthResponse>()).AccessToken);
    }

    [Fact]
    public async Task WrongPasswordsAtSetUpCountTowardsTheSignInLockout()
    {
        var user = await Server.CreateUserAsync();

        for (var i = 0; i < 5; i++)
        {
            await Server.PostJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = $"guess {i}" }, user.AccessToken);
        }
        var right = await Server.PostJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest { Password = user.Password }, user.AccessToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Server.LoginAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task TurningTwoFactorOffNeedsThePasswordAsWellAsACode()
    {
        var user = await Server.CreateUserAsync();
        var (_, codes) = await user.EnableTwoFactorAsync();

        var codeOnly = await Server.PostJsonAsync(Routes.MyTwoFactorDisable, new TwoFactorDisableRequest { Code = codes[0] }, user.AccessToken);
        var wrongPassword = await Server.PostJsonAsync(Routes.MyTwoFactorDisable,
            new TwoFactorDisableRequest { Password = "not my password", Code = codes[1] }, user.AccessToken);

        Assert.Equal(HttpStatusCode.BadRequest, codeOnly.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongPassword.StatusCode);
        Assert.True((await user.ChallengeAsync()).SecondFactorRequired);
        var both = await Server.PostJsonAsync(Routes.MyTwoFactorDisable, new TwoFactorDisableRequest { Password = user.Password, Code = codes[2] }, user.AccessToken);
        Assert.Equal(HttpStatusCode.NoContent, both.StatusCode);
    }

    [Fact]
    public async Task TheOwnerIsMailedWhenTwoFactorIsTurnedOnAndOff()
    {
        var user = await Server.CreateUserAsync();
        var (_, codes) = await user.EnableTwoFactorAsync();
        var on = await Smtp.WaitForMailAsync(user.Email);

        await Server.PostJsonAsync(Routes.MyTwoFactorDisable, new TwoFactorDisableRequest { Password = user.Password, Code = codes[0] }, user.AccessToken);
        var off = await Smtp.WaitForMailAsync(user.Email, skip: 1);

        Assert.Equal("Two-factor authentication is on", on.Message.Subject);
        Assert.Equal("Two-factor authentication is off", off.Message.Subject);
    }

    [Fact]
    public async Task APasswordResetTurnsOffASecondFactorTurnedOnWithinTheDaySoTheOwnerGetsBackIn()
    {
        var user = await Server.CreateUserAsync();
        await user.EnableTwoFactorAsync(); // by the thief, with their own authenticator
        await Smtp.WaitForMailAsync(user.Email);

        var reset = await ResetAsync(Server, user, skip: 1);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        var session = await (await Server.LoginAsync(user.Email, "the owner's new passphrase")).ReadAsync<AuthResponse>();
        Assert.NotNull(session.AccessToken);
        Assert.Equal("Two-factor authentication is off", (await Smtp.WaitForMailAsync(user.Email, skip: 2)).Message.Subject);
    }

    [Fact]
    public async Task APasswordResetKeepsASecondFactorOlderThanTheWindow()
    {
        var clock = new AdjustableClock();
        await using var server = await ChatServer.StartAsync(Smtp.Settings, configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();
        await user.EnableTwoFactorAsync(clock);
        await Smtp.WaitForMailAsync(user.Email);

        clock.Advance(TimeSpan.FromHours(25));
        var reset = await ResetAsync(server, user, skip: 1);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        var answer = await (await server.LoginAsync(user.Email, "the owner's new passphrase")).ReadAsync<SecondFactorChallenge>();
        Assert.True(answer.SecondFactorRequired);
    }

    [Fact]
    public async Task AnAccountWithoutAPasswordSetsUpTwoFactorOnlySoonAfterSigningIn()
    {
        var clock = new AdjustableClock();
        await using var server = await ChatServer.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var now = clock.UtcNowMs();
        var user = new User(Ids.New(), "Provider User", $"oauth-{Guid.NewGuid():N}@chathub.test", User.NoPassword, Roles.Free, now, now);
        Assert.True(await server.Services.GetRequiredService<IUserStore>().TryCreateAsync(user, TestContext.Current.CancellationToken));
        var sessions = server.Services.GetRequiredService<SessionService>();
        var fresh = await sessions.StartAsync(user, TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMinutes(11));
        var stale = await sessions.StartAsync(user, TestContext.Current.CancellationToken);
        var staleRefreshed = await (await server.RefreshAsync(fresh.RefreshToken)).ReadAsync<AuthResponse>();

        var early = await server.PostJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest(), stale.AccessToken);
        var late = await server.PostJsonAsync(Routes.MyTwoFactorEnroll, new TwoFactorEnrollRequest(), staleRefreshed.AccessToken);

        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.Equal("This account has no password: sign in again, then do this within 10 minutes.", (await late.ProblemAsync()).Detail);
    }

    private async Task<HttpResponseMessage> ResetAsync(ChatServer server, TestUser user, int skip)
    {
        (await server.PostJsonAsync(Routes.PasswordReset, new PasswordResetRequest { Email = user.Email })).EnsureSuccessStatusCode();
        var mail = await Smtp.WaitForMailAsync(user.Email, skip);
        return await server.PostJsonAsync(Routes.PasswordResetConfirm, new PasswordResetConfirmRequest { Token = mail.Token, NewPassword = "the owner's new passphrase" });
    }
}
