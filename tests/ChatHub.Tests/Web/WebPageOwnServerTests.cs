using ChatHub.Tests.OAuth;
using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>Web page tests that need a server of their own: other settings, or one that stops and starts again.</summary>
public sealed class WebPageOwnServerTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task AMessageSentWhileOfflineIsKeptAndSentOnceWhenTheServerIsBack()
    {
        var settings = BrowserFixture.ServerSettings();
        settings["urls"] = $"http://127.0.0.1:{RedisProcess.FreePort()}";
        var dataDir = Directory.CreateTempSubdirectory("chathub-web-restart-").FullName;
        var first = await ChatServer.StartAsync(settings, dataDir);
        var user = await first.CreateUserAsync();
        await using var chat = await browser.OpenAsync(server: first);
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        var offline = chat.Page.Locator("#offline-banner");

        await first.DisposeAsync();
        await Expect(offline).ToBeVisibleAsync();
        await chat.SendAsync("Are you still there?");
        await Expect(chat.UserMessages.Last).ToHaveAttributeAsync("data-status", "unsent");

        await using var second = await ChatServer.StartAsync(settings, dataDir, ownsDataDir: true);
        await Expect(offline).ToBeHiddenAsync();
        await Expect(chat.UserMessages.Last).ToHaveAttributeAsync("data-status", "");
        await chat.ExpectLastReplyAsync("complete");
        var stored = await (user with { Server = second }).MessagesAsync(conversationId);
        Assert.Equal(["Are you still there?"], stored.Where(m => m.Sender == "user").Select(m => m.Message));
        Assert.Single(stored, m => m.Sender == "ai");
    }

    [Fact]
    public async Task AUserWithTwoFactorSignsInWithTheCodeFromTheirAuthenticator()
    {
        var user = await browser.Server.CreateUserAsync();
        var (secret, _) = await user.EnableTwoFactorAsync();
        await using var chat = await browser.OpenAsync();
        await chat.GotoAsync();
        await chat.Page.GetByLabel("Email").FillAsync(user.Email);
        await chat.Page.GetByLabel("Password").FillAsync(user.Password);
        var signIn = chat.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });
        await signIn.ClickAsync();

        var code = chat.Page.GetByLabel("Verification code");
        await Expect(code).ToBeFocusedAsync();
        await code.FillAsync("000000");
        await signIn.ClickAsync();
        await Expect(chat.Page.Locator("#auth-error")).Not.ToBeEmptyAsync();
        await Expect(chat.Page.Locator("#app-view")).ToBeHiddenAsync();

        await code.FillAsync(AccountSecurityCalls.NextCode(secret));
        await signIn.ClickAsync();
        await Expect(chat.Page.Locator("#app-view")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ScrollingToTheTopLoadsOlderMessages()
    {
        const int snapshot = 4;
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Chat:SnapshotMessages"] = $"{snapshot}" });
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            for (var turn = 1; turn <= 3; turn++)
            {
                var sent = await device.SendAsync(conversation.Id, $"Question number {turn}");
                await device.Events.Completed(sent.ReplyId);
            }
        }
        await using var chat = await browser.OpenAsync(375, 560, server);

        await chat.OpenSignedInAsync(user, $"/#/c/{conversation.Id}");
        await Expect(chat.Messages).ToHaveCountAsync(snapshot);
        await chat.Page.Locator("#messages").EvaluateAsync("list => list.scrollTop = 0");

        // The greeting the conversation opened with, and three exchanges.
        await Expect(chat.Messages).ToHaveCountAsync(7);
        await Expect(chat.UserMessages.First.Locator(".content")).ToHaveTextAsync("Question number 1");
        await Expect(chat.Page.Locator("#history-status")).ToHaveTextAsync("This is the start of your conversation.");
    }

    [Fact]
    public async Task SigningInWithAProviderComesBackToThePageSignedInOrWithTheReason()
    {
        await using var provider = await FakeOidcProvider.StartAsync(TestContext.Current.CancellationToken);
        var settings = provider.Configuration("fake").Append(new("OAuth:Providers:fake:DisplayName", "Fake ID")).ToDictionary();
        await using var server = await ChatServer.StartAsync(settings);
        await using var chat = await browser.OpenAsync(server: server);
        await chat.GotoAsync();
        var continueWith = chat.Page.GetByRole(AriaRole.Link, new() { Name = "Continue with Fake ID" });

        provider.NextUser = FakeUser.New(emailVerified: false);
        await continueWith.ClickAsync();
        await Expect(chat.Page.Locator("#auth-notice")).ToHaveTextAsync("The provider did not confirm your email address, so no account was made.");

        var user = FakeUser.New();
        provider.NextUser = user;
        await continueWith.ClickAsync();
        await Expect(chat.Page.Locator("#user-email")).ToHaveTextAsync(user.Email);
        await Expect(chat.Page.Locator("#picker-view")).ToBeVisibleAsync();
        Assert.DoesNotContain("oauth", chat.Page.Url);
    }
}
