using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>Admins are named by email in configuration, so each test starts a server with an admin of its own.</summary>
public sealed class AdminApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FreeAndPaidUsersAreForbiddenTheAdminEndpoints()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var free = await server.CreateUserAsync();
        var paid = await PromoteAsync(admin, await server.CreateUserAsync(), "paid");

        foreach (var user in new[] { free, paid })
        {
            using var http = user.Http();
            var list = await http.GetAsync(Routes.Users(), Ct);
            var promoteSelf = await http.PutAsJsonAsync(Routes.UserRole(user.Id), new SetRoleRequest { Role = "admin" }, Ct);
            var demoteAdmin = await http.PutAsJsonAsync(Routes.UserRole(admin.Id), new SetRoleRequest { Role = "free" }, Ct);

            Assert.All([list, promoteSelf, demoteAdmin], r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
            Assert.Equal("Your account is not allowed to do this.", (await list.ProblemAsync()).Detail);
        }
        using var asAdmin = admin.Http();
        var roles = (await (await asAdmin.GetAsync(Routes.Users(), Ct)).ReadAsync<UserPage>()).Users.ToDictionary(u => u.Id, u => u.Role);
        Assert.Equal(("free", "paid", "admin"), (roles[free.Id], roles[paid.Id], roles[admin.Id]));
    }

    [Fact]
    public async Task AnAdminListsUsersPageByPageInSignUpOrderWithoutPasswordHashes()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var users = new List<TestUser> { admin };
        for (var i = 0; i < 4; i++) users.Add(await server.CreateUserAsync());
        using var http = admin.Http();

        var seen = new List<UserDto>();
        string? after = null;
        for (var pages = 1; ; pages++)
        {
            var response = await http.GetAsync(Routes.Users(limit: 2, after: after), Ct);
            Assert.DoesNotContain("password", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
            var page = await response.ReadAsync<UserPage>();
            Assert.InRange(page.Users.Count, 1, 2);
            seen.AddRange(page.Users);
            if (!page.HasMore) break;
            Assert.True(pages < 3, "More pages than users.");
            after = page.Users[^1].Id;
        }

        Assert.Equal(users.Select(u => u.Id), seen.Select(u => u.Id));
        Assert.Equal(users.Select(u => u.Email), seen.Select(u => u.Email));
    }

    [Theory]
    [InlineData("?limit=0", "limit must be between 1 and 200.")]
    [InlineData("?limit=201", "limit must be between 1 and 200.")]
    [InlineData("?after=not-an-id", "after must be the id of a user.")]
    public async Task BadPagingIsRefused(string query, string detail)
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        using var http = admin.Http();

        var response = await http.GetAsync(Routes.AdminUsers + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task ARoleChangeEndsTheUsersAccessTokensAndTheirNextRefreshCarriesTheNewRole()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var user = await server.CreateUserAsync();
        var bystander = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        await PromoteAsync(admin, user, "paid");

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.GetMeAsync(user.AccessToken)).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => device.Hub.WatchConversation(conversation.Id).Bounded());
        var renewed = await (await server.RefreshAsync(user.RefreshToken)).ReadAsync<AuthResponse>();
        Assert.Equal("paid", renewed.User.Role);
        Assert.Equal("paid", (await (await server.GetMeAsync(renewed.AccessToken)).ReadAsync<UserDto>()).Role);
        Assert.Equal(HttpStatusCode.OK, (await server.GetMeAsync(bystander.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task APromotedAdminCanUseTheAdminEndpoints()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var user = await PromoteAsync(admin, await server.CreateUserAsync(), "admin");
        using var http = user.Http();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Routes.Users(), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("0123456789abcdef01234567", "paid", HttpStatusCode.NotFound)]
    [InlineData("not-an-id", "paid", HttpStatusCode.NotFound)]
    [InlineData(null, "owner", HttpStatusCode.BadRequest)]
    [InlineData(null, "", HttpStatusCode.BadRequest)]
    public async Task SettingARoleNeedsAKnownUserAndRole(string? id, string role, HttpStatusCode expected)
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var user = await server.CreateUserAsync();
        using var http = admin.Http();

        var response = await http.PutAsJsonAsync(Routes.UserRole(id ?? user.Id), new SetRoleRequest { Role = role }, Ct);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.GetMeAsync(user.AccessToken)).StatusCode);
    }

    /// <summary>Sets the user's role as the admin and returns the user with a token that carries it.</summary>
    [Fact]
    public async Task AnAdminFindsUsersByPartOfTheirEmailAndSeesHowManySessionsOneHas()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var wanted = await server.CreateUserAsync($"watson-{tag}@chathub.test");
        await server.CreateUserAsync();
        await wanted.SignInAsync();
        using var http = admin.Http();

        var found = await (await http.GetAsync(Routes.Users(query: $"  WATSON-{tag.ToUpperInvariant()} "), Ct)).ReadAsync<UserPage>();
        var detail = await (await http.GetAsync(Routes.AdminUser(wanted.Id), Ct)).ReadAsync<AdminUserDto>();
        var tooLong = await http.GetAsync(Routes.Users(query: new string('x', 101)), Ct);

        Assert.Equal([wanted.Id], found.Users.Select(u => u.Id));
        Assert.Equal((wanted.Email, 2), (detail.User.Email, detail.Sessions));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Routes.AdminUser("0123456789abcdef01234567"), Ct)).StatusCode);
        using var asWanted = wanted.Http();
        Assert.Equal(HttpStatusCode.Forbidden, (await asWanted.GetAsync(Routes.AdminUser(wanted.Id), Ct)).StatusCode);
    }

    private static async Task<TestUser> PromoteAsync(TestUser admin, TestUser user, string role)
    {
        using var http = admin.Http();
        var response = await http.PutAsJsonAsync(Routes.UserRole(user.Id), new SetRoleRequest { Role = role }, Ct);
        Assert.Equal(role, (await response.ReadAsync<UserDto>()).Role);
        var session = await user.SignInAsync();
        return user with { AccessToken = session.AccessToken, RefreshToken = session.RefreshToken };
    }
}
