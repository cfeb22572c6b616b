using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatHub.Tests.Api;

public sealed class MeApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string NewPassword = "a brand new passphrase";

    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MeIsTheSignedInUser()
    {
        var user = await Server.CreateUserAsync();
        await Server.CreateUserAsync();

        var me = await (await Server.GetMeAsync(user.AccessToken)).ReadAsync<UserDto>();

        Assert.Equal(new UserDto { Id = user.Id, Email = user.Email, Name = "Test User", Role = "free" }, me);
    }

    [Fact]
    public async Task APersonaIsSetWithTheNameAndKeptWhenANameChangeLeavesItOut()
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();

        var set = await http.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = "Lois", Persona = "  A reporter from Metropolis.  " }, Ct);
        var renamed = await http.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = "Lois Lane" }, Ct);
        var tooLong = await http.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = "Lois", Persona = new string('x', 2001) }, Ct);

        Assert.Equal("A reporter from Metropolis.", (await set.ReadAsync<UserDto>()).Persona);
        var afterRename = await renamed.ReadAsync<UserDto>();
        Assert.Equal(("Lois Lane", "A reporter from Metropolis."), (afterRename.Name, afterRename.Persona));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal("A reporter from Metropolis.", (await (await Server.GetMeAsync(user.AccessToken)).ReadAsync<UserDto>()).Persona);
    }

    [Fact]
    public async Task AUserRenamesThemselvesAndNoOneElse()
    {
        var user = await Server.CreateUserAsync();
        var other = await Server.CreateUserAsync();
        using var http = user.Http();

        var response = await http.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = "  Selina Kyle  " }, Ct);

        Assert.Equal("Selina Kyle", (await response.ReadAsync<UserDto>()).Name);
        Assert.Equal("Selina Kyle", (await (await Server.GetMeAsync(user.AccessToken)).ReadAsync<UserDto>()).Name);
        Assert.Equal("Test User", (await (await Server.GetMeAsync(other.AccessToken)).ReadAsync<UserDto>()).Name);
        // A new name is not a security change: the token in hand goes on working.
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(user.AccessToken)).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task ABlankOrOverlongNameIsRefused(string? name)
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();

        var blank = await http.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = name! }, Ct);
        var overlong = await http.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = new string('n', 101) }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Equal("The name must have 1 to 100 characters.", (await overlong.ProblemAsync()).Detail);
        Assert.Equal("Test User", (await (await Server.GetMeAsync(user.AccessToken)).ReadAsync<UserDto>()).Name);
    }

    [Fact]
    public async Task ChangingThePasswordEndsEverySessionAndGivesTheCallerANewOne()
    {
        var user = await Server.CreateUserAsync();
        var otherDevice = await user.SignInAsync();
        using var http = user.Http();

        var response = await http.PostAsJsonAsync(Routes.MyPassword, new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = NewPassword }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var fresh = await response.ReadAsync<AuthResponse>();
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(fresh.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(fresh.RefreshToken)).StatusCode);
        foreach (var accessToken in new[] { user.AccessToken, otherDevice.AccessToken })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Server.GetMeAsync(accessToken)).StatusCode);
        }
        foreach (var refreshToken in new[] { user.RefreshToken, otherDevice.RefreshToken })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(refreshToken)).StatusCode);
        }
        using var anonymous = Server.CreateHttpClient();
        var oldPassword = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email, Password = user.Password }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
        Assert.Equal(user.Id, (await user.SignInAsync(NewPassword)).User.Id);
    }

    [Fact]
    public async Task AHubConnectionOpenedBeforeAPasswordChangeIsClosedAtItsNextCall()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.Hub.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        using var http = user.Http();
        var fresh = await (await http.PostAsJsonAsync(Routes.MyPassword,
            new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = NewPassword }, Ct)).ReadAsync<AuthResponse>();

        await Assert.ThrowsAnyAsync<Exception>(() => device.SendAsync(conversation.Id, "Am I still signed in?"));

        await closed.Task.Bounded();
        Assert.Equal(HubConnectionState.Disconnected, device.Hub.Connection.State);
        Assert.Empty(await (user with { AccessToken = fresh.AccessToken }).MessagesAsync(conversation.Id));
    }

    [Fact]
    public async Task AWrongCurrentPasswordChangesNothing()
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();

        var response = await http.PostAsJsonAsync(Routes.MyPassword, new ChangePasswordRequest { CurrentPassword = "not my password", NewPassword = NewPassword }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The current password is incorrect.", (await response.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(user.AccessToken)).StatusCode);
        Assert.Equal(user.Id, (await user.SignInAsync()).User.Id);
    }

    [Fact]
    public async Task ATooShortNewPasswordIsRefused()
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();

        var response = await http.PostAsJsonAsync(Routes.MyPassword, new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = "short" }, Ct);

        Assert.Equal("The password must have 8 to 256 characters.", (await response.ProblemAsync()).Detail);
        Assert.Equal(user.Id, (await user.SignInAsync()).User.Id);
    }

    [Fact]
    public async Task MeNeedsAToken()
    {
        using var anonymous = Server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Routes.Me, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PatchAsJsonAsync(Routes.Me, new UpdateProfileRequest { Name = "x" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(Routes.MyPassword,
            new ChangePasswordRequest { CurrentPassword = "x", NewPassword = NewPassword }, Ct)).StatusCode);
    }
}
