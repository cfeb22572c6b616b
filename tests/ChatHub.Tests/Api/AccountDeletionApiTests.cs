using System.Net;
using ChatHub.Accounts;
using ChatHub.Accounts.OAuth;
using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>Deleting an account: asked for with a password or code, confirmed from the mail, and everything of the user gone.</summary>
public sealed class AccountDeletionApiTests(MailingServer mailing) : IClassFixture<MailingServer>
{
    private const string LinkRefused = "This deletion link is not valid: it is unknown, expired or already used.";

    private ChatServer Server => mailing.Server;
    private SmtpTestServer Smtp => mailing.Smtp;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConfirmingTheMailedLinkDeletesTheUserAndEverythingOfTheirs()
    {
        var user = await Server.CreateUserAsync();
        var otherDevice = await user.SignInAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            await device.Events.Completed((await device.SendAsync(conversation.Id, "Remember me?")).ReplyId);
        }
        await user.EnableTwoFactorAsync();
        await Server.PostJsonAsync(Routes.PasswordReset, new PasswordResetRequest { Email = user.Email });
        await Smtp.WaitForMailAsync(user.Email, skip: 1); // after the mail that says 2FA is on
        var links = Server.Services.GetRequiredService<IOAuthAccountStore>();
        var now = DateTimeOffset.UtcNow;
        Assert.True(await links.TryCreateAsync(
            new OAuthAccount(Ids.New(), user.Id, "fake", Guid.NewGuid().ToString("N"), user.Email, new ProviderTokens(null, null, null), now, now), Ct));
        var bystander = await Server.CreateUserAsync();
        var bystanderConversation = await bystander.CreateConversationAsync();

        var request = await RequestAsync(user, new AccountDeletionRequest { Password = user.Password });
        var mail = await Smtp.WaitForMailAsync(user.Email, skip: 2);
        var confirm = await ConfirmAsync(mail.Token);

        Assert.Equal(HttpStatusCode.Accepted, request.StatusCode);
        Assert.Equal("Confirm the deletion of your CharacterChat account", mail.Message.Subject);
        Assert.Equal(HttpStatusCode.NoContent, confirm.StatusCode);
        var services = Server.Services;
        Assert.Null(await services.GetRequiredService<IUserStore>().FindByIdAsync(user.Id, Ct));
        Assert.Empty(await services.GetRequiredService<IConversationStore>().ListAsync(user.Id, Ct));
        Assert.Null(await services.GetRequiredService<ITwoFactorStore>().FindAsync(user.Id, Ct));
        Assert.Empty(await links.ListAsync(user.Id, Ct));
        var refreshTokens = services.GetRequiredService<IRefreshTokenStore>();
        foreach (var refreshToken in new[] { user.RefreshToken, otherDevice.RefreshToken })
        {
            Assert.Null(await refreshTokens.FindAsync(OpaqueTokens.HashOf(refreshToken)!, Ct));
        }
        foreach (var kind in Enum.GetValues<OneTimeTokenKind>())
        {
            Assert.Equal(0, await services.GetRequiredKeyedService<IOneTimeTokenStore>(kind).CountLiveAsync(user.Id, DateTimeOffset.UtcNow, Ct));
        }
        Assert.Equal([bystanderConversation.Id], (await services.GetRequiredService<IConversationStore>().ListAsync(bystander.Id, Ct)).Select(c => c.Id));
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(bystander.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task ADeletedUsersTokensAreRefusedAndTheEmailCanSignUpAfresh()
    {
        var user = await Server.CreateUserAsync();

        await DeleteAsync(user);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.GetMeAsync(user.AccessToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.RefreshAsync(user.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.LoginAsync(user.Email, user.Password)).StatusCode);
        var again = await Server.CreateUserAsync(user.Email);
        Assert.NotEqual(user.Id, again.Id);
        Assert.Empty(await again.MessagesAsync((await again.CreateConversationAsync()).Id));
    }

    [Fact]
    public async Task AnOpenHubConnectionIsClosedAtOnceWithoutAnotherCall()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var (device, closed) = await user.ConnectWatchingCloseAsync();
        await using var _ = device;
        await device.Hub.WatchConversation(conversation.Id).Bounded();

        await DeleteAsync(user);

        Assert.Equal(SessionEndReasons.AccountDeleted, (await device.Events.WaitFor<SessionEnded>()).Reason);
        await closed.Bounded();
        await Assert.ThrowsAnyAsync<Exception>(() => user.ConnectAsync());
    }

    [Fact]
    public async Task ARequestNeedsTheRightPasswordAndWrongOnesCountTowardsTheLockout()
    {
        var user = await Server.CreateUserAsync();

        var nothing = await RequestAsync(user, new AccountDeletionRequest());
        var codeWithoutTwoFactor = await RequestAsync(user, new AccountDeletionRequest { Code = "123456" });
        var wrong = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) wrong.Add((await RequestAsync(user, new AccountDeletionRequest { Password = $"guess {i}" })).StatusCode);
        var locked = await RequestAsync(user, new AccountDeletionRequest { Password = user.Password });

        Assert.Equal("Send your password, or a code from your authenticator app.", (await nothing.ProblemAsync()).Detail);
        Assert.Equal("The password or code is incorrect.", (await codeWithoutTwoFactor.ProblemAsync()).Detail);
        Assert.All(wrong, status => Assert.Equal(HttpStatusCode.BadRequest, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Empty(Smtp.MailsTo(user.Email));
        Assert.Equal(HttpStatusCode.OK, (await Server.GetMeAsync(user.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task WithTwoFactorOnACodeStandsInForThePasswordAndWorksOnce()
    {
        var user = await Server.CreateUserAsync();
        var (secret, codes) = await user.EnableTwoFactorAsync();
        var totp = AccountSecurityCalls.NextCode(secret);

        var byTotp = await RequestAsync(user, new AccountDeletionRequest { Code = totp });
        var replayed = await RequestAsync(user, new AccountDeletionRequest { Code = totp });
        var byBackupCode = await RequestAsync(user, new AccountDeletionRequest { Code = codes[0] });

        Assert.Equal(HttpStatusCode.Accepted, byTotp.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, byBackupCode.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync((await Smtp.WaitForMailAsync(user.Email, skip: 1)).Token)).StatusCode);
    }

    [Fact]
    public async Task ADeletionLinkWorksOnceAndNoOtherKindOfTokenWorksInItsPlace()
    {
        var user = await Server.CreateUserAsync();
        await Server.PostJsonAsync(Routes.PasswordReset, new PasswordResetRequest { Email = user.Email });
        var resetToken = (await Smtp.WaitForMailAsync(user.Email)).Token;
        await RequestAsync(user, new AccountDeletionRequest { Password = user.Password });
        var token = (await Smtp.WaitForMailAsync(user.Email, skip: 1)).Token;

        var withResetToken = await ConfirmAsync(resetToken);
        var withRefreshToken = await ConfirmAsync(user.RefreshToken);
        var garbage = await ConfirmAsync("garbage");
        var first = await ConfirmAsync(token);
        var again = await ConfirmAsync(token);

        Assert.Equal(LinkRefused, (await withResetToken.ProblemAsync()).Detail);
        Assert.Equal(LinkRefused, (await withRefreshToken.ProblemAsync()).Detail);
        Assert.Equal(LinkRefused, (await garbage.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(LinkRefused, (await again.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task AnExpiredDeletionLinkDeletesNothing()
    {
        var clock = new AdjustableClock();
        await using var smtp = new SmtpTestServer();
        await using var server = await ChatServer.StartAsync(smtp.Settings, configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();
        await server.PostJsonAsync(Routes.MyDeletionRequest, new AccountDeletionRequest { Password = user.Password }, user.AccessToken);
        var token = (await smtp.WaitForMailAsync(user.Email)).Token;

        clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        var late = await server.PostJsonAsync(Routes.DeleteAccountConfirm, new AccountDeletionConfirmRequest { Token = token });

        Assert.Equal(LinkRefused, (await late.ProblemAsync()).Detail);
        Assert.NotNull(await server.Services.GetRequiredService<IUserStore>().FindByIdAsync(user.Id, Ct));
    }

    [Fact]
    public async Task RequestingNeedsAToken()
    {
        var response = await Server.PostJsonAsync(Routes.MyDeletionRequest, new AccountDeletionRequest { Password = "x" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private Task<HttpResponseMessage> RequestAsync(TestUser user, AccountDeletionRequest request) =>
        Server.PostJsonAsync(Routes.MyDeletionRequest, request, user.AccessToken);

    private Task<HttpResponseMessage> ConfirmAsync(string token) =>
        Server.PostJsonAsync(Routes.DeleteAccountConfirm, new AccountDeletionConfirmRequest { Token = token });

    private async Task DeleteAsync(TestUser user)
    {
        var skip = Smtp.MailsTo(user.Email).Count;
        Assert.Equal(HttpStatusCode.Accepted, (await RequestAsync(user, new AccountDeletionRequest { Password = user.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmAsync((await Smtp.WaitForMailAsync(user.Email, skip)).Token)).StatusCode);
    }
}
