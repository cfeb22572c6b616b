using System.Net;
using System.Net.Http.Json;
using ChatHub.Accounts.OAuth;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Data.Sqlite;

namespace ChatHub.Tests.OAuth;

/// <summary>
/// The whole browser round trip against a local OpenID Connect provider: start, the provider's authorize,
/// the handler's callback, complete, then the code traded for a session that works on the API.
/// </summary>
public sealed class OAuthApiTests(OAuthServer fixture) : IClassFixture<OAuthServer>
{
    private const string CodeRefused = "The sign-in code is not valid: it is unknown, expired or already used. Sign in again.";

    private ChatServer Server => fixture.Server;
    private FakeOidcProvider Provider => fixture.Provider;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFirstProviderSignInMakesAnAccountWithoutAPasswordAndReturnsToThePage()
    {
        var providerUser = FakeUser.New();

        var landing = await SignInWithProviderAsync(providerUser, returnUrl: "/chat?with=batman");

        Assert.Equal($"{Server.BaseUri}chat?with=batman", landing.ReturnedTo);
        var session = await (await ExchangeAsync(landing.Answer["oauth"])).ReadAsync<AuthResponse>();
        var me = await (await Server.GetMeAsync(session.AccessToken)).ReadAsync<UserDto>();
        Assert.Equal((providerUser.Email, providerUser.Name, "free"), (me.Email, me.Name, me.Role));
        Assert.Equal(HttpStatusCode.OK, (await Server.RefreshAsync(session.RefreshToken)).StatusCode);
        var link = Assert.Single(await LinksAsync(session.AccessToken));
        Assert.Equal(("fake", providerUser.Email), (link.Provider, link.Email));
        // No password was ever set, so none signs in: not even the stored marker.
        using var anonymous = Server.CreateHttpClient();
        var login = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = providerUser.Email, Password = "!" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task SigningInAgainWithTheSameProviderAccountGivesTheSameUser()
    {
        var providerUser = FakeUser.New();
        var first = await SignUpWithProviderAsync(providerUser);

        var second = await SignUpWithProviderAsync(providerUser with { Email = $"changed-{Guid.NewGuid():N}@provider.test" });

        Assert.Equal(first.User.Id, second.User.Id);
        Assert.Equal(providerUser.Email, second.User.Email);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
    }

    [Fact]
    public async Task ASignInCodeWorksOnceAndNothingElseWorksAsOne()
    {
        var landing = await SignInWithProviderAsync(FakeUser.New());
        var code = landing.Answer["oauth"];

        var first = await ExchangeAsync(code);
        var again = await ExchangeAsync(code);
        var forged = await ExchangeAsync(code[..^2] + (code[^2..] == "AA" ? "BB" : "AA"));
        var junk = await ExchangeAsync("not a code");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        foreach (var refused in new[] { again, forged, junk })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(CodeRefused, (await refused.ProblemAsync()).Detail);
        }
    }

    [Fact]
    public async Task AProviderEmailThatBelongsToAPasswordAccountDoesNotSignIntoIt()
    {
        var owner = await Server.CreateUserAsync();
        var impostor = FakeUser.New(email: owner.Email.ToUpperInvariant());

        var landing = await SignInWithProviderAsync(impostor);

        Assert.Equal(new Dictionary<string, string> { ["oauth-error"] = OAuthErrors.EmailInUse }, landing.Answer);
        Assert.Empty(await LinksAsync(owner.AccessToken));
        // The way in for the real owner: sign in with the password, then link from settings.
        Assert.Equal("fake", (await LinkAsync(owner.AccessToken, impostor)).Answer["oauth-linked"]);
        Assert.Equal(owner.Id, (await SignUpWithProviderAsync(impostor)).User.Id);
    }

    [Fact]
    public async Task AnEmailTheProviderHasNotVerifiedMakesNoAccount()
    {
        var unverified = FakeUser.New(emailVerified: false);

        var landing = await SignInWithProviderAsync(unverified);

        Assert.Equal(new Dictionary<string, string> { ["oauth-error"] = OAuthErrors.EmailUnverified }, landing.Answer);
        // Had an account been made, this email would now be taken.
        using var anonymous = Server.CreateHttpClient();
        var register = await anonymous.PostAsJsonAsync(Routes.Register, new RegisterRequest { Email = unverified.Email, Password = "correct horse battery" }, Ct);
        Assert.Equal(HttpStatusCode.OK, register.StatusCode);
    }

    [Fact]
    public async Task ASignedInUserLinksAProviderAccountAndThenSignsInWithIt()
    {
        var user = await Server.CreateUserAsync();
        var providerUser = FakeUser.New();

        var landing = await LinkAsync(user.AccessToken, providerUser, returnUrl: "/settings");

        Assert.Equal($"{Server.BaseUri}settings", landing.ReturnedTo);
        Assert.Equal(new Dictionary<string, string> { ["oauth-linked"] = "fake" }, landing.Answer);
        var link = Assert.Single(await LinksAsync(user.AccessToken));
        Assert.Equal(("fake", providerUser.Email), (link.Provider, link.Email));
        Assert.Equal(user.Id, (await SignUpWithProviderAsync(providerUser)).User.Id);
        using var http = user.Http();
        var again = await http.PostAsync(Routes.MyOAuthLinkStart("fake"), null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("Your account is already linked to a fake account. Unlink it first.", (await again.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task AProviderAccountLinkedToOneUserCannotBeLinkedToAnother()
    {
        var (first, second) = (await Server.CreateUserAsync(), await Server.CreateUserAsync());
        var providerUser = FakeUser.New();
        await LinkAsync(first.AccessToken, providerUser);

        var landing = await LinkAsync(second.AccessToken, providerUser);

        Assert.Equal(OAuthErrors.AlreadyLinked, landing.Answer["oauth-error"]);
        Assert.Empty(await LinksAsync(second.AccessToken));
        Assert.Equal(first.Id, (await SignUpWithProviderAsync(providerUser)).User.Id);
    }

    [Fact]
    public async Task UnlinkingRemovesTheLinkAndLeavesTheAccount()
    {
        var user = await Server.CreateUserAsync();
        var providerUser = FakeUser.New();
        await LinkAsync(user.AccessToken, providerUser);
        using var http = user.Http();

        var unlink = await http.DeleteAsync(Routes.MyOAuthLink("fake"), Ct);
        var again = await http.DeleteAsync(Routes.MyOAuthLink("fake"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, unlink.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Empty(await LinksAsync(user.AccessToken));
        Assert.Equal(user.Id, (await user.SignInAsync()).User.Id);
        // The provider account is free again, and (its email being unused) it now makes an account of its own.
        Assert.NotEqual(user.Id, (await SignUpWithProviderAsync(providerUser)).User.Id);
    }

    [Fact]
    public async Task TheOnlyWayToSignInCannotBeUnlinked()
    {
        var session = await SignUpWithProviderAsync(FakeUser.New());
        using var http = Server.CreateHttpClient(session.AccessToken);

        var refused = await http.DeleteAsync(Routes.MyOAuthLink("fake"), Ct);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("only way to sign in", (await refused.ProblemAsync()).Detail);
        // With a second provider linked, the first can go.
        Assert.Equal("fake2", (await LinkAsync(session.AccessToken, FakeUser.New(), provider: "fake2")).Answer["oauth-linked"]);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(Routes.MyOAuthLink("fake"), Ct)).StatusCode);
        Assert.Equal(["fake2"], (await LinksAsync(session.AccessToken)).Select(l => l.Provider));
        Assert.Equal(HttpStatusCode.Conflict, (await http.DeleteAsync(Routes.MyOAuthLink("fake2"), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example/phish")]
    [InlineData("/\t/evil.example/phish")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http://app.chathub.test.evil.example/")]
    [InlineData("/page#oauth=planted")]
    public async Task AReturnUrlOffTheSiteAndItsFrontEndIsRefused(string returnUrl)
    {
        var user = await Server.CreateUserAsync();
        using var browser = new Browser(Server.BaseUri);
        using var http = user.Http();

        var start = await browser.GetAsync(Routes.OAuthStart("fake", returnUrl));
        var linkStart = await http.PostAsync(Routes.MyOAuthLinkStart("fake", returnUrl), null, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, start.StatusCode);
        Assert.StartsWith("returnUrl must be a path on this site", (await start.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.BadRequest, linkStart.StatusCode);
    }

    [Fact]
    public async Task AFrontEndOnAnAllowedOriginGetsTheBrowserBack()
    {
        var landing = await SignInWithProviderAsync(FakeUser.New(), returnUrl: $"{OAuthServer.AppOrigin}/signed-in");

        Assert.Equal($"{OAuthServer.AppOrigin}/signed-in", landing.ReturnedTo);
        Assert.Equal(HttpStatusCode.OK, (await ExchangeAsync(landing.Answer["oauth"])).StatusCode);
    }

    [Fact]
    public async Task ProviderTokensAreStoredEncrypted()
    {
        var providerUser = FakeUser.New();
        await SignUpWithProviderAsync(providerUser);
        var (accessToken, refreshToken) = Provider.TokensIssuedTo(providerUser.Subject);

        var (storedAccess, storedRefresh, expiresAt) = await ReadStoredTokensAsync(providerUser.Subject);

        var protector = Server.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProviderTokenProtector.Purpose);
        Assert.DoesNotContain(accessToken, storedAccess);
        Assert.DoesNotContain(refreshToken, storedRefresh);
        Assert.Equal(accessToken, protector.Unprotect(storedAccess));
        Assert.Equal(refreshToken, protector.Unprotect(storedRefresh));
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(expiresAt) - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(58), TimeSpan.FromMinutes(60));
    }

    [Fact]
    public async Task AUserWhoSaysNoAtTheProviderIsSentBackWithAnError()
    {
        var landing = await SignInWithProviderAsync(user: null, returnUrl: "/welcome");

        Assert.Equal($"{Server.BaseUri}welcome", landing.ReturnedTo);
        Assert.Equal(new Dictionary<string, string> { ["oauth-error"] = OAuthErrors.ProviderFailed }, landing.Answer);
    }

    [Fact]
    public async Task ALinkUrlOpenedInAnotherBrowserLinksNothing()
    {
        var attacker = await Server.CreateUserAsync();
        using var attackersBrowser = new Browser(Server.BaseUri);
        var url = await LinkStartAsync(attackersBrowser, attacker.AccessToken, "fake");
        using var victimsBrowser = new Browser(Server.BaseUri);

        var opened = await victimsBrowser.GetAsync(url.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, opened.StatusCode);
        Assert.Empty(await LinksAsync(attacker.AccessToken));
    }

    [Fact]
    public async Task ALinkUrlCannotBeAlteredAndEndsWithAPasswordChange()
    {
        var user = await Server.CreateUserAsync();
        using var browser = new Browser(Server.BaseUri);
        var url = await LinkStartAsync(browser, user.AccessToken, "fake");
        var state = QueryHelpers.ParseQuery(url.Query)["link"].ToString();

        var altered = await browser.GetAsync(url.PathAndQuery.Replace(Uri.EscapeDataString(state), Uri.EscapeDataString(state[..^4] + "AAAA")));
        var otherProvider = await browser.GetAsync(url.PathAndQuery.Replace("/fake/", "/fake2/"));
        using var http = user.Http();
        (await http.PostAsJsonAsync(Routes.MyPassword, new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = "another long passphrase" }, Ct))
            .EnsureSuccessStatusCode();
        var afterPasswordChange = await browser.GetAsync(url.PathAndQuery);

        foreach (var refused in new[] { altered, otherProvider, afterPasswordChange })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("This link has expired or is not valid. Start linking again from your account settings.", (await refused.ProblemAsync()).Detail);
        }
    }

    [Fact]
    public async Task CompleteWithoutAProviderAnswerIsRefused()
    {
        using var browser = new Browser(Server.BaseUri);

        var response = await browser.GetAsync(Routes.OAuthComplete("fake"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The sign-in with the provider did not finish", (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task TheConfiguredProvidersAreListedAndNoOthersAccepted()
    {
        var user = await Server.CreateUserAsync();
        using var anonymous = Server.CreateHttpClient();
        using var http = user.Http();

        var providers = await (await anonymous.GetAsync(Routes.OAuthProviders, Ct)).ReadAsync<OAuthProviderDto[]>();
        var unknownStart = await anonymous.GetAsync(Routes.OAuthStart("google"), Ct);
        var unknownLink = await http.PostAsync(Routes.MyOAuthLinkStart("nope"), null, Ct);

        Assert.Equal(
            [new OAuthProviderDto { Name = "fake", DisplayName = "fake" }, new OAuthProviderDto { Name = "fake2", DisplayName = "Fake Two" }],
            providers);
        Assert.Equal(HttpStatusCode.NotFound, unknownStart.StatusCode);
        Assert.Equal("There is no sign-in provider named 'nope'.", (await unknownLink.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task TheLinkEndpointsNeedASignedInUser()
    {
        using var anonymous = Server.CreateHttpClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Routes.MyOAuth, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Routes.MyOAuthLinkStart("fake"), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync(Routes.MyOAuthLink("fake"), Ct)).StatusCode);
    }

    [Fact]
    public async Task WithTwoFactorOnAProviderSignInAsksForTheCodeToo()
    {
        var providerUser = FakeUser.New();
        var first = await SignUpWithProviderAsync(providerUser);
        var account = new TestUser(Server, first.User.Id, providerUser.Email, "", first.AccessToken, first.RefreshToken);
        var (secret, _) = await account.EnableTwoFactorAsync();

        var landing = await SignInWithProviderAsync(providerUser);
        var exchanged = await ExchangeAsync(landing.Answer["oauth"]);

        var challenge = await exchanged.ReadAsync<SecondFactorChallenge>();
        Assert.True(challenge.SecondFactorRequired);
        var session = await Server.SecondFactorAsync(challenge.SecondFactorToken, AccountSecurityCalls.NextCode(secret));
        Assert.Equal(first.User.Id, (await session.ReadAsync<AuthResponse>()).User.Id);
    }

    private async Task<Landing> SignInWithProviderAsync(FakeUser? user, string provider = "fake", string returnUrl = "/")
    {
        Provider.NextUser = user;
        using var browser = new Browser(Server.BaseUri);
        return await browser.NavigateAsync(Routes.OAuthStart(provider, returnUrl));
    }

    private async Task<AuthResponse> SignUpWithProviderAsync(FakeUser user)
    {
        var landing = await SignInWithProviderAsync(user);
        Assert.True(landing.Answer.ContainsKey("oauth"), $"The sign-in ended with {landing.Page.Fragment}");
        var response = await ExchangeAsync(landing.Answer["oauth"]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadAsync<AuthResponse>();
    }

    private async Task<HttpResponseMessage> ExchangeAsync(string code)
    {
        using var anonymous = Server.CreateHttpClient();
        return await anonymous.PostAsJsonAsync(Routes.OAuthExchange, new OAuthExchangeRequest { Code = code }, Ct);
    }

    /// <summary>Asks for a link URL the way the page does: from the browser that will then open it.</summary>
    private static async Task<Uri> LinkStartAsync(Browser browser, string accessToken, string provider, string returnUrl = "/")
    {
        var response = await browser.PostAsync(Routes.MyOAuthLinkStart(provider, returnUrl), accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new Uri((await response.ReadAsync<OAuthLinkStartResponse>()).Url);
    }

    private async Task<Landing> LinkAsync(string accessToken, FakeUser providerUser, string provider = "fake", string returnUrl = "/")
    {
        using var browser = new Browser(Server.BaseUri);
        var url = await LinkStartAsync(browser, accessToken, provider, returnUrl);
        Provider.NextUser = providerUser;
        return await browser.NavigateAsync(url.ToString());
    }

    private async Task<OAuthLinkDto[]> LinksAsync(string accessToken)
    {
        using var http = Server.CreateHttpClient(accessToken);
        return (await http.GetFromJsonAsync<OAuthLinkDto[]>(Routes.MyOAuth, Ct))!;
    }

    /// <summary>The row as it is in the file, past every layer of the service.</summary>
    private async Task<(string AccessToken, string RefreshToken, long ExpiresAt)> ReadStoredTokensAsync(string subject)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(Server.DataDir, "chathub.db")};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT access_token, refresh_token, access_token_expires_at FROM oauth_accounts WHERE provider_user_id = $subject";
        command.Parameters.AddWithValue("$subject", subject);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        return (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
    }
}
