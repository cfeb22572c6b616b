using System.Net;
using System.Net.Http.Json;
using ChatHub.Accounts;
using ChatHub.Accounts.Sessions;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ChatHub.Tests.Chat;

/// <summary>
/// A hub connection lives only as long as its session and its access token: every end of a session reaches the open
/// connections of that session, on the spot, with a reason the client can act on, and then they close.
/// </summary>
public sealed class HubSessionTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SigningOutClosesThatSessionsConnectionsWithSignedOutAndNoOtherSessions()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var otherSession = await user.SignInAsync();
        var (phone, phoneClosed) = await user.ConnectWatchingCloseAsync();
        await using var _ = phone;
        await using var laptop = await (user with { AccessToken = otherSession.AccessToken }).ConnectAsync();

        var logout = await Server.PostJsonAsync(Routes.Logout, new RefreshTokenRequest { RefreshToken = user.RefreshToken });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(SessionEndReasons.SignedOut, (await phone.Events.WaitFor<SessionEnded>()).Reason);
        await phoneClosed.Bounded();
        // The signed-out session's access token is refused too, here and for a new connection.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.GetMeAsync(user.AccessToken)).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => user.ConnectAsync());
        var sent = await laptop.SendAsync(conversation.Id, "Still here?");
        await laptop.Events.Completed(sent.ReplyId);
        Assert.Empty(laptop.Events.All<SessionEnded>());
    }

    [Fact]
    public async Task APasswordChangeClosesEveryConnectionOfTheUserWithPasswordChanged()
    {
        var user = await Server.CreateUserAsync();
        var otherSession = await user.SignInAsync();
        var (phone, phoneClosed) = await user.ConnectWatchingCloseAsync();
        var (laptop, laptopClosed) = await (user with { AccessToken = otherSession.AccessToken }).ConnectWatchingCloseAsync();
        await using var _ = phone;
        await using var __ = laptop;

        var change = await Server.PostJsonAsync(Routes.MyPassword,
            new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = "a brand new passphrase" }, user.AccessToken);

        change.EnsureSuccessStatusCode();
        foreach (var device in new[] { phone, laptop })
        {
            Assert.Equal(SessionEndReasons.PasswordChanged, (await device.Events.WaitFor<SessionEnded>()).Reason);
        }
        await Task.WhenAll(phoneClosed, laptopClosed).Bounded();
    }

    [Fact]
    public async Task ReusingASpentRefreshTokenClosesThatSessionsConnectionsWithSessionRevoked()
    {
        var user = await Server.CreateUserAsync();
        var (device, closed) = await user.ConnectWatchingCloseAsync();
        await using var _ = device;
        (await Server.RefreshAsync(user.RefreshToken)).EnsureSuccessStatusCode();

        var replay = await Server.RefreshAsync(user.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(SessionEndReasons.SessionRevoked, (await device.Events.WaitFor<SessionEnded>()).Reason);
        await closed.Bounded();
    }

    [Fact]
    public async Task EndingOneSessionByItsIdClosesOnlyItsConnectionsWithTheReasonGiven()
    {
        var user = await Server.CreateUserAsync();
        var otherSession = await user.SignInAsync();
        var (phone, phoneClosed) = await user.ConnectWatchingCloseAsync();
        await using var _ = phone;
        await using var laptop = await (user with { AccessToken = otherSession.AccessToken }).ConnectAsync();
        var sessionId = new JsonWebToken(user.AccessToken).GetClaim("sid").Value;

        await Server.Services.GetRequiredService<SessionService>().EndSessionAsync(user.Id, sessionId, SessionEndReasons.SessionRevoked, Ct);

        Assert.Equal(SessionEndReasons.SessionRevoked, (await phone.Events.WaitFor<SessionEnded>()).Reason);
        await phoneClosed.Bounded();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(user.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(otherSession.AccessToken)).StatusCode);
        Assert.Equal(HubConnectionState.Connected, laptop.Hub.Connection.State);
    }

    [Fact]
    public async Task AConnectionWhoseTokenExpiresIsToldExpiredAndClosedAndANewTokenReconnects()
    {
        var clock = new AdjustableClock();
        await using var server = await ChatServer.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var (device, closed) = await user.ConnectWatchingCloseAsync();
        await using var _ = device;

        clock.Advance(TimeSpan.FromMinutes(16));

        Assert.Equal(SessionEndReasons.Expired, (await device.Events.WaitFor<SessionEnded>()).Reason);
        await closed.Bounded();
        var renewed = await (await server.RefreshAsync(user.RefreshToken)).ReadAsync<AuthResponse>();
        await using var again = await (user with { AccessToken = renewed.AccessToken }).ConnectAsync();
        var sent = await again.SendAsync(conversation.Id, "Back with a new token");
        await again.Events.Completed(sent.ReplyId);
    }

    [Fact]
    public async Task ACallWithAnExpiredTokenIsRefusedAndWritesNothing()
    {
        var clock = new AdjustableClock();
        await using var server = await ChatServer.StartAsync(configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        clock.Advance(TimeSpan.FromMinutes(16));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => device.SendAsync(conversation.Id, "Too late"));

        // Either the call was refused, or the sweep closed the connection first: nothing was written either way.
        if (refused is HubException hub) Assert.Equal("Your access token has expired. Reconnect with a new one.", hub.UserMessage());
        var renewed = await (await server.RefreshAsync(user.RefreshToken)).ReadAsync<AuthResponse>();
        Assert.Empty(await (user with { AccessToken = renewed.AccessToken }).MessagesAsync(conversation.Id));
    }

    [Fact]
    public async Task ARoleChangeClosesConnectionsWithRoleChangedAndTheRefreshedSessionGoesOn()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var user = await server.CreateUserAsync();
        var (device, closed) = await user.ConnectWatchingCloseAsync();
        await using var __ = device;
        using var asAdmin = admin.Http();

        var change = await asAdmin.PutAsJsonAsync(Routes.UserRole(user.Id), new SetRoleRequest { Role = Roles.Paid }, Ct);

        change.EnsureSuccessStatusCode();
        Assert.Equal(SessionEndReasons.RoleChanged, (await device.Events.WaitFor<SessionEnded>()).Reason);
        await closed.Bounded();
        var renewed = await (await server.RefreshAsync(user.RefreshToken)).ReadAsync<AuthResponse>();
        Assert.Equal(Roles.Paid, renewed.User.Role);
        await using var again = await (user with { AccessToken = renewed.AccessToken }).ConnectAsync();
        Assert.Equal(HubConnectionState.Connected, again.Hub.Connection.State);
    }
}
