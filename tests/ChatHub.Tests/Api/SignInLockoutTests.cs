using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

public sealed class SignInLockoutTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Locked = "Too many failed attempts with this email. Try again in 15 minutes.";

    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FiveFailedSignInsLockTheEmailEvenForTheRightPassword()
    {
        var user = await Server.CreateUserAsync();

        var failures = await FailAsync(user.Email, 5);
        var rightPassword = await SignInAsync(user.Email, user.Password);

        Assert.All(failures, f => Assert.Equal(HttpStatusCode.Unauthorized, f));
        Assert.Equal(HttpStatusCode.TooManyRequests, rightPassword.StatusCode);
        Assert.Equal(Locked, (await rightPassword.ProblemAsync()).Detail);
        Assert.InRange(RetryAfter(rightPassword), 880, 900);
        // A session that already exists is not touched by the lockout.
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(user.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownEmailIsLockedTheSameWaySoALockoutRevealsNothing()
    {
        var user = await Server.CreateUserAsync();
        var unknown = $"nobody-{Guid.NewGuid():N}@chathub.test";
        await FailAsync(user.Email, 5);
        await FailAsync(unknown, 5);

        var known = await SignInAsync(user.Email, "another guess");
        var stranger = await SignInAsync(unknown, "another guess");

        Assert.Equal((HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests), (known.StatusCode, stranger.StatusCode));
        Assert.Equal((await known.ProblemAsync()).Detail, (await stranger.ProblemAsync()).Detail);
        // Each lock started when its own fifth failure did, so the waits differ by the time between them, no more.
        Assert.InRange(Math.Abs(RetryAfter(known) - RetryAfter(stranger)), 0, 10);
    }

    [Fact]
    public async Task FewerFailuresThanTheLimitLockNothingAndASuccessStartsTheCountAgain()
    {
        var user = await Server.CreateUserAsync();
        await FailAsync(user.Email, 4);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(user.Email, user.Password)).StatusCode);

        await FailAsync(user.Email, 4);

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task OneEmailsLockoutDoesNotLockAnother()
    {
        var locked = await Server.CreateUserAsync();
        var other = await Server.CreateUserAsync();

        await FailAsync(locked.Email, 5);

        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(other.Email, other.Password)).StatusCode);
    }

    [Fact]
    public async Task WrongCurrentPasswordsCountTowardsTheLockout()
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await http.PostAsJsonAsync(Routes.MyPassword, new ChangePasswordRequest { CurrentPassword = $"guess {i}", NewPassword = "whatever it is" }, Ct);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }

        var right = await http.PostAsJsonAsync(Routes.MyPassword, new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = "whatever it is" }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(user.Email, user.Password)).StatusCode);
    }

    private static int RetryAfter(HttpResponseMessage response) =>
        int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<HttpStatusCode>> FailAsync(string email, int times)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++) statuses.Add((await SignInAsync(email, $"wrong password {i}")).StatusCode);
        return statuses;
    }

    private async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        using var anonymous = Server.CreateHttpClient();
        return await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = email, Password = password }, Ct);
    }
}
