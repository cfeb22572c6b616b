using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>The signed-in devices at /api/me/sessions: listed with what they are, and ended one by one or all but this one.</summary>
public sealed class MySessionsApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string Firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private const string Safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachSignInIsASessionNamedByTheDeviceOfItsLatestRefresh()
    {
        var user = await Server.CreateUserAsync();
        var laptop = await SignInAsync(user, Firefox);
        var phone = await SignInAsync(user, "curl/8.0");
        var renewed = await RefreshAsync(phone.RefreshToken, Safari);

        var sessions = await ListAsync(renewed.AccessToken);

        Assert.Equal(3, sessions.Length);
        Assert.Equal(("Safari 18", "iOS"), (sessions[0].Browser, sessions[0].Os));
        Assert.Equal(("Firefox 133", "Windows"), (sessions[1].Browser, sessions[1].Os));
        Assert.Equal((DeviceUnknown, DeviceUnknown), (sessions[2].Browser, sessions[2].Os)); // the sign-up, from HttpClient
        Assert.True(sessions[0].LastUsedAt > sessions[0].CreatedAt);
        Assert.Equal(sessions[1].CreatedAt, sessions[1].LastUsedAt);
        Assert.Single(await ListAsync((await Server.CreateUserAsync()).AccessToken));
        Assert.NotEqual(laptop.RefreshToken, renewed.RefreshToken);
    }

    [Fact]
    public async Task EndingASessionEndsItsRefreshTokensAndNoOtherSession()
    {
        var user = await Server.CreateUserAsync();
        var other = await SignInAsync(user, Firefox);
        var sessions = await ListAsync(user.AccessToken);
        var target = Assert.Single(sessions, s => s.Browser.StartsWith("Firefox", StringComparison.Ordinal));
        using var http = user.Http();

        var ended = await http.DeleteAsync(Routes.MySession(target.Id), Ct);

        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(other.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(user.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync(Routes.MySession(target.Id), Ct)).StatusCode);
    }

    [Fact]
    public async Task TheCallersSessionIsMarkedAndSigningOutEverywhereElseKeepsOnlyIt()
    {
        var user = await Server.CreateUserAsync();
        var others = new[] { await SignInAsync(user, Firefox), await SignInAsync(user, Safari) };

        var before = await ListAsync(user.AccessToken);
        using var http = user.Http();
        var revoked = await (await http.PostAsync(Routes.MySessionsRevokeOthers, null, Ct)).ReadAsync<SessionsRevokedResponse>();

        Assert.Equal(3, before.Length);
        var current = Assert.Single(before, s => s.Current);
        Assert.Equal(2, revoked.Revoked);
        Assert.Equal([current.Id], (await ListAsync(user.AccessToken)).Select(s => s.Id));
        foreach (var other in others) Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(other.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(user.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task EndingASessionClosesItsHubConnectionsWithSessionRevokedAndLeavesTheCallersOpen()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var phone = await SignInAsync(user, Safari);
        var (phoneDevice, phoneClosed) = await (user with { AccessToken = phone.AccessToken }).ConnectWatchingCloseAsync();
        await using var _ = phoneDevice;
        await using var laptop = await user.ConnectAsync();
        var phoneSession = (await ListAsync(user.AccessToken)).Single(s => !s.Current);
        using var http = user.Http();

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(Routes.MySession(phoneSession.Id), Ct)).StatusCode);

        Assert.Equal(SessionEndReasons.SessionRevoked, (await phoneDevice.Events.WaitFor<SessionEnded>()).Reason);
        await phoneClosed.Bounded();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.GetMeAsync(phone.AccessToken)).StatusCode);
        var sent = await laptop.SendAsync(conversation.Id, "Still here?");
        await laptop.Events.Completed(sent.ReplyId);
        Assert.Empty(laptop.Events.All<SessionEnded>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SomeoneElsesOrAnUnknownSessionIsNotFoundAndLeftAlone(bool someoneElses)
    {
        var user = await Server.CreateUserAsync();
        var stranger = await Server.CreateUserAsync();
        var id = someoneElses ? (await ListAsync(stranger.AccessToken)).Single().Id : Ids.New();
        using var http = user.Http();

        var response = await http.DeleteAsync(Routes.MySession(id), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("You have no session with that id that is still on.", (await response.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(stranger.RefreshToken)).StatusCode);
    }

    [Fact]
    public async Task TheSessionsAreOnlyForTheSignedIn()
    {
        using var anonymous = Server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Routes.MySessions, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Routes.MySessionsRevokeOthers, null, Ct)).StatusCode);
    }

    private const string DeviceUnknown = ChatHub.Accounts.Sessions.DeviceNames.Unknown;

    private async Task<SessionDto[]> ListAsync(string accessToken)
    {
        using var http = Server.CreateHttpClient(accessToken);
        return (await http.GetFromJsonAsync<SessionDto[]>(Routes.MySessions, Ct))!;
    }

    private async Task<AuthResponse> SignInAsync(TestUser user, string userAgent)
    {
        using var http = Server.CreateHttpClient();
        http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        var response = await http.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email, Password = user.Password }, Ct);
        response.EnsureSuccessStatusCode();
        return await response.ReadAsync<AuthResponse>();
    }

    private async Task<AuthResponse> RefreshAsync(string refreshToken, string userAgent)
    {
        using var http = Server.CreateHttpClient();
        http.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        var response = await http.PostAsJsonAsync(Routes.Refresh, new RefreshTokenRequest { RefreshToken = refreshToken }, Ct);
        response.EnsureSuccessStatusCode();
        return await response.ReadAsync<AuthResponse>();
    }
}
