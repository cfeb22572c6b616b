using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatHub.Tests.Api;

/// <summary>Short access tokens, rotating refresh tokens, and what happens when a refresh token is stolen or replayed.</summary>
public sealed class SessionApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string RefreshRefused = "The refresh token is not valid: it is unknown, expired, revoked or already used. Sign in again.";

    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SigningUpAndInGiveAShortAccessTokenAndALongRefreshToken()
    {
        var user = await Server.CreateUserAsync();

        var session = await user.SignInAsync();

        Assert.InRange(session.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.InRange(session.RefreshTokenExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
        Assert.Equal(43, session.RefreshToken.Length);
        Assert.Equal(32, WebEncoders.Base64UrlDecode(session.RefreshToken).Length);
        Assert.NotEqual(user.RefreshToken, session.RefreshToken);
    }

    [Fact]
    public async Task ARefreshGivesANewPairAndUsesUpTheOldRefreshToken()
    {
        var user = await Server.CreateUserAsync();

        var response = await Server.RefreshAsync(user.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var renewed = await response.ReadAsync<AuthResponse>();
        Assert.Equal(user.Id, renewed.User.Id);
        Assert.NotEqual(user.RefreshToken, renewed.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(renewed.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(renewed.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task ReusingARotatedRefreshTokenEndsTheWholeSessionButNoOther()
    {
        var user = await Server.CreateUserAsync();
        var otherDevice = await user.SignInAsync();
        var renewed = await (await Server.RefreshAsync(user.RefreshToken)).ReadAsync<AuthResponse>();

        var replay = await Server.RefreshAsync(user.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(RefreshRefused, (await replay.ProblemAsync()).Detail);
        // The newer token of the same session stops working too: whoever replayed may have been the thief or the owner.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(renewed.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(otherDevice.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task OfConcurrentRefreshesWithOneTokenAtMostOneGetsThroughAndItsSessionEnds()
    {
        var user = await Server.CreateUserAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Server.RefreshAsync(user.RefreshToken)));

        var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        Assert.True(winners.Count <= 1, $"{winners.Count} refreshes with one token succeeded.");
        Assert.All(responses.Except(winners), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        // The losers saw a reuse, so the family is revoked, the winner's new token included.
        foreach (var winner in winners)
        {
            var renewed = await winner.ReadAsync<AuthResponse>();
            Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(renewed.RefreshToken)).StatusCode);
        }
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "empty", "" },
        { "garbage", "not a refresh token" },
        { "well-formed but never issued", WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32)) },
        { "an access token", "access" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task AGarbageOrUnknownRefreshTokenIsRefused(string kind, string token)
    {
        var user = await Server.CreateUserAsync();
        if (kind == "an access token") token = user.AccessToken;

        var response = await Server.RefreshAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(RefreshRefused, (await response.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(user.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task ARefreshTokenFromAnotherDeploymentIsRefused()
    {
        await using var elsewhere = await ChatServer.StartAsync();
        var foreigner = await elsewhere.CreateUserAsync();

        var response = await Server.RefreshAsync(foreigner.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.GetMeAsync(foreigner.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task AnExpiredRefreshTokenIsRefused()
    {
        var clock = new AdjustableClock();
        await using var server = await ChatServer.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();

        clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        var response = await server.RefreshAsync(user.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(RefreshRefused, (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task SigningOutEndsThatSessionOnlyAndIsAnsweredTheSameForAnyToken()
    {
        var user = await Server.CreateUserAsync();
        var otherDevice = await user.SignInAsync();
        using var anonymous = Server.CreateHttpClient();

        var logout = await anonymous.PostAsJsonAsync(Routes.Logout, new RefreshTokenRequest { RefreshToken = user.RefreshToken }, Ct);
        var again = await anonymous.PostAsJsonAsync(Routes.Logout, new RefreshTokenRequest { RefreshToken = user.RefreshToken }, Ct);
        var garbage = await anonymous.PostAsJsonAsync(Routes.Logout, new RefreshTokenRequest { RefreshToken = "garbage" }, Ct);

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], [logout.StatusCode, again.StatusCode, garbage.StatusCode]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(user.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(otherDevice.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task SigningOutWithAnotherUsersTokenInTheHeaderEndsOnlyTheSessionTheRefreshTokenNames()
    {
        var alice = await Server.CreateUserAsync();
        var bob = await Server.CreateUserAsync();
        using var asBob = bob.Http();

        var logout = await asBob.PostAsJsonAsync(Routes.Logout, new RefreshTokenRequest { RefreshToken = alice.RefreshToken }, Ct);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(alice.RefreshToken)).StatusCode);
        var bobs = await Server.RefreshAsync(bob.RefreshToken);
        Assert.Equal(bob.Id, (await bobs.ReadAsync<AuthResponse>()).User.Id);
    }

    [Fact]
    public async Task AWellSignedAccessTokenOfAUserWhoDoesNotExistIsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        var ghost = new User(Ids.New(), "Ghost", "ghost@chathub.test", "hash", Roles.Admin, now, now);
        var token = Server.Services.GetRequiredService<TokenService>().Issue(ghost, Ids.New(), now).Token;

        var response = await Server.GetMeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("A valid access token is required. Sign in again.", (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task TheNewEndpointsAreInTheOpenApiDocument()
    {
        using var anonymous = Server.CreateHttpClient();

        var openApi = await anonymous.GetStringAsync("/openapi/v1.json", Ct);

        foreach (var path in new[] { Routes.Refresh, Routes.Logout, Routes.Me, Routes.MyPassword, Routes.AdminUsers, "/api/admin/users/{id}/role" })
        {
            Assert.Contains($"\"{path}\"", openApi);
        }
    }
}
