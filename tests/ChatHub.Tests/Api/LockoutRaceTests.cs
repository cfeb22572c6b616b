using System.Net;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>
/// Guesses are counted before the slow password hash, so a burst of concurrent guesses gets no more checks than
/// slow ones would: at most <c>Auth:LockoutFailures</c> per window, on every route that checks a password or a code.
/// </summary>
public sealed class LockoutRaceTests(MailingServer mailing) : IClassFixture<MailingServer>
{
    private const int Allowed = 5;

    private ChatServer Server => mailing.Server;

    [Fact]
    public async Task OfFortyConcurrentWrongPasswordsAtMostFiveAreCheckedAndTheRightOneIsThenRefused()
    {
        var user = await Server.CreateUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Server.LoginAsync(user.Email, $"guess number {i}")));
        var right = await Server.LoginAsync(user.Email, user.Password);

        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), 1, Allowed);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task TheRightPasswordHiddenInABurstOfWrongOnesGetsASessionOnlyWithinTheAllowedGuesses()
    {
        var user = await Server.CreateUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30)
            .Select(i => Server.LoginAsync(user.Email, i == 29 ? user.Password : $"guess number {i}")));

        // Whatever the order the server takes them in, no more than the allowed number reach the password check.
        Assert.InRange(answers.Count(a => a.StatusCode != HttpStatusCode.TooManyRequests), 1, Allowed);
    }

    [Fact]
    public async Task ConcurrentWrongCurrentPasswordsOnAPasswordChangeAreCappedToo()
    {
        var user = await Server.CreateUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Server.PostJsonAsync(Routes.MyPassword,
            new ChangePasswordRequest { CurrentPassword = $"guess number {i}", NewPassword = "a brand new passphrase" }, user.AccessToken)));

        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest), 1, Allowed);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task ConcurrentWrongPasswordsOnADeletionRequestAreCappedToo()
    {
        var user = await Server.CreateUserAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Server.PostJsonAsync(Routes.MyDeletionRequest,
            new AccountDeletionRequest { Password = $"guess number {i}" }, user.AccessToken)));

        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.BadRequest), 1, Allowed);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests }));
    }

    [Fact]
    public async Task ConcurrentWrongCodesAtTheSecondStepAreCappedToo()
    {
        var user = await Server.CreateUserAsync();
        await user.EnableTwoFactorAsync();
        var challenge = await user.ChallengeAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Server.SecondFactorAsync(challenge.SecondFactorToken, $"{i:000000}")));

        Assert.InRange(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized), 1, Allowed);
    }

    [Fact]
    public async Task APasswordResetClearsTheAccountsLockout()
    {
        var user = await Server.CreateUserAsync();
        for (var i = 0; i < Allowed; i++) await Server.LoginAsync(user.Email, $"guess number {i}");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Server.LoginAsync(user.Email, user.Password)).StatusCode);

        (await Server.PostJsonAsync(Routes.PasswordReset, new PasswordResetRequest { Email = user.Email })).EnsureSuccessStatusCode();
        var mail = await mailing.Smtp.WaitForMailAsync(user.Email);
        var reset = await Server.PostJsonAsync(Routes.PasswordResetConfirm, new PasswordResetConfirmRequest { Token = mail.Token, NewPassword = "the owner's new passphrase" });

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.LoginAsync(user.Email, "the owner's new passphrase")).StatusCode);
    }
}
