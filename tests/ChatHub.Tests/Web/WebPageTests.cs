using System.Net;
using System.Net.Http.Json;
using ChatHub.Chat;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>The web page in a real browser (Debian's chromium) against the real service and its simulated model.</summary>
public sealed class WebPageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string SherlockId = "6740a1000000000000000001";

    private ChatServer Server => browser.Server;

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/lib/signalr/signalr.min.js", "text/javascript")]
    [InlineData("/reset-password", "text/html")]
    [InlineData("/delete-account", "text/html")]
    [InlineData("/settings", "text/html")]
    [InlineData("/settings/security", "text/html")]
    [InlineData("/admin", "text/html")]
    public async Task ThePageIsServedWithoutATokenAndUnderTheSecurityHeaders(string path, string contentType)
    {
        using var http = Server.CreateHttpClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        using var api = await http.GetAsync(Routes.Conversations, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Theory]
    [InlineData("/api/nothing-here")]
    [InlineData("/api/me/sessions/x/y")]
    [InlineData("/settings/a/b")]
    [InlineData("/hubs/nothing-here")]
    public async Task PathsThePageDoesNotOwnKeepTheirOwnAnswers(string path)
    {
        using var http = Server.CreateHttpClient();

        using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ANewUserSignsUpAndWatchesTheReplyGrowUntilItCompletes()
    {
        await using var chat = await browser.OpenAsync();
        await chat.GotoAsync();
        var email = $"web-{Guid.NewGuid():N}@chathub.test";
        await chat.SignUpAsync("Ada Lovelace", email, "correct horse battery");
        var conversationId = await chat.StartConversationAsync();

        await chat.SendAsync("Hello, who are you?");

        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync(["Hello, who are you?"]);
        var early = await chat.ReplyTextWhileStreamingAsync();
        await chat.Page.WaitForFunctionAsync(
            "n => { const r = document.querySelector('#message-list > li.msg-ai[data-status=streaming] .content'); return r && r.textContent.length > n; }",
            early.Length);
        var later = await chat.TextOfAsync(chat.LastReply);
        Assert.StartsWith(early, later);
        await chat.ExpectLastReplyAsync("complete");
        Assert.StartsWith(later, await chat.TextOfAsync(chat.LastReply));
        await Expect(chat.Page.Locator($"#conversation-list [data-id='{conversationId}']")).ToContainTextAsync("Sherlock Holmes");

        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(chat.Page.Locator("#auth-view")).ToBeVisibleAsync();
        await chat.SignInIfAskedAsync(email, "correct horse battery");
        await Expect(chat.Page.Locator("#conversation-list .conversation-name")).ToHaveTextAsync(["Sherlock Holmes"]);
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task StopEndsTheReplyAndKeepsItsTextMarkedStopped()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await chat.SendAsync("Tell me about your latest case.");
        await chat.ReplyTextWhileStreamingAsync();

        await chat.SendAsync("And another thing!");
        await Expect(chat.ComposerError).ToHaveTextAsync(Refusals.ConversationBusy);
        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

        await chat.ExpectLastReplyAsync("stopped");
        await Expect(chat.LastReply.Locator(".msg-meta")).ToHaveTextAsync("Stopped");
        await Expect(chat.Page.GetByRole(AriaRole.Button, new() { Name = "Stop" })).ToBeHiddenAsync();
        var stored = (await user.MessagesAsync(conversationId))[^1];
        Assert.Equal("stopped", stored.Status);
        Assert.NotEmpty(stored.Message);
        Assert.Equal(stored.Message.Trim(), await chat.TextOfAsync(chat.LastReply));
        await Expect(chat.UserMessages).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task TwoPagesOfOneUserOnOneConversationBothShowTheWholeReply()
    {
        var user = await Server.CreateUserAsync();
        await using var first = await browser.OpenAsync();
        await first.OpenSignedInAsync(user);
        var conversationId = await first.StartConversationAsync();
        var second = new ChatPage(await first.Page.Context.NewPageAsync());
        await second.OpenSignedInAsync(user, $"/#/c/{conversationId}");
        // The conversation opens with the character's greeting.
        await Expect(second.Messages).ToHaveCountAsync(1);

        await first.SendAsync("Two windows, one conversation");

        await Expect(second.UserMessages.Locator(".content")).ToHaveTextAsync(["Two windows, one conversation"]);
        await second.ReplyTextWhileStreamingAsync();
        await first.ExpectLastReplyAsync("complete");
        await second.ExpectLastReplyAsync("complete");
        var stored = (await user.MessagesAsync(conversationId))[^1].Message.Trim();
        Assert.Equal(stored, await first.TextOfAsync(first.LastReply));
        Assert.Equal(stored, await second.TextOfAsync(second.LastReply));
        await Expect(second.Replies).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AReloadMidReplyShowsTheTextSoFarAndEndsWithTheStoredReply()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await chat.SendAsync("What do you make of this footprint?");
        var beforeReload = await chat.ReplyTextWhileStreamingAsync();

        await chat.Page.ReloadAsync();
        await chat.SignInIfAskedAsync(user);

        var afterReload = await chat.ReplyTextWhileStreamingAsync();
        Assert.StartsWith(beforeReload, afterReload);
        await chat.ExpectLastReplyAsync("complete");
        var stored = (await user.MessagesAsync(conversationId))[^1];
        Assert.Equal(stored.Message.Trim(), await chat.TextOfAsync(chat.LastReply));
        await Expect(chat.Replies).ToHaveCountAsync(1);
        await Expect(chat.UserMessages).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AnInjectionAttemptIsShownAsTextAndNeverRuns()
    {
        const string attack = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        await chat.StartConversationAsync();

        await chat.SendAsync(attack);

        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync([attack]);
        await chat.ExpectLastReplyAsync("complete");
        Assert.Contains("<img src=x", await chat.TextOfAsync(chat.LastReply)); // the character quotes it back
        Assert.True(await chat.Page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        await Expect(chat.Page.Locator("#message-list img, #message-list script")).ToHaveCountAsync(0);
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task ATooLongMessageIsRefusedWithAClearMessageAndKeptForEditing()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        await chat.StartConversationAsync();
        var tooLong = new string('x', BrowserFixture.MaxMessageChars + 1);

        await chat.SendAsync(tooLong);

        await Expect(chat.ComposerError).ToHaveTextAsync($"The message is too long: at most {BrowserFixture.MaxMessageChars} characters are allowed.");
        await Expect(chat.UserMessages).ToHaveCountAsync(0);
        await Expect(chat.MessageBox).ToHaveValueAsync(tooLong);

        await chat.MessageBox.FillAsync("Short");
        await chat.MessageBox.PressAsync("Shift+Enter");
        await chat.MessageBox.PressSequentiallyAsync("and sweet.");
        await Expect(chat.UserMessages).ToHaveCountAsync(0);
        await chat.MessageBox.PressAsync("Enter");
        await Expect(chat.ComposerError).ToBeHiddenAsync();
        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync(["Short\nand sweet."]);
    }

    [Fact]
    public async Task AConversationIsDeletedAfterConfirmation()
    {
        var user = await Server.CreateUserAsync();
        var kept = await user.CreateConversationAsync(SherlockId);
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var deleted = await chat.StartConversationAsync("Ada the Tutor");
        var delete = chat.Page.GetByRole(AriaRole.Button, new() { Name = "Delete conversation with Ada the Tutor" });

        await delete.ClickAsync();
        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(chat.Page.Locator("#conversation-list > li")).ToHaveCountAsync(2);
        await delete.ClickAsync();
        await chat.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Expect(chat.Page.Locator("#conversation-list > li")).ToHaveCountAsync(1);
        await Expect(chat.Page.Locator("#picker-view")).ToBeVisibleAsync();
        using var http = user.Http();
        var left = await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, TestContext.Current.CancellationToken);
        Assert.Equal([kept.Id], left!.Select(c => c.Id));
        Assert.NotEqual(kept.Id, deleted);
    }

    /// <summary>
    /// The main screens at desktop and phone width. Saved to docs/screenshots when UPDATE_SCREENSHOTS=1,
    /// otherwise to a temporary folder (the screens are still driven and captured).
    /// </summary>
    [Fact]
    public async Task TheMainScreensCanBeCapturedAtDesktopAndPhoneWidths()
    {
        var folder = BrowserFixture.ScreenshotFolder();
        string Shot(string name) => Path.Combine(folder, $"{name}.png");
        var user = await Server.CreateUserAsync();

        await using var desktop = await browser.OpenAsync(1280, 800);
        await desktop.GotoAsync();
        await Expect(desktop.Page.Locator("#auth-view")).ToBeVisibleAsync();
        await desktop.ScreenshotAsync(Shot("sign-in"));
        await desktop.AssertAccessibleAsync();
        await desktop.SignInIfAskedAsync(user);
        await Expect(desktop.Page.Locator(".character-card")).Not.ToHaveCountAsync(0);
        await desktop.ScreenshotAsync(Shot("characters"));
        await desktop.AssertAccessibleAsync();
        var conversationId = await desktop.StartConversationAsync();
        await desktop.SendAsync("Can you explain **deduction** in `three` steps?");
        await desktop.ReplyTextWhileStreamingAsync();
        await desktop.Page.WaitForFunctionAsync(
            "() => document.querySelector('#message-list > li.msg-ai[data-status=streaming] .content')?.textContent.length > 90");
        await desktop.ScreenshotAsync(Shot("conversation-streaming"));
        await desktop.AssertAccessibleAsync();
        await desktop.ExpectLastReplyAsync("complete");

        await using var phone = await browser.OpenAsync(375, 812);
        await phone.OpenSignedInAsync(user, $"/#/c/{conversationId}");
        await Expect(phone.Replies).ToHaveCountAsync(1);
        await phone.ScreenshotAsync(Shot("phone-conversation"));
        await phone.Page.GetByRole(AriaRole.Button, new() { Name = "Open conversations" }).ClickAsync();
        await phone.Page.WaitForFunctionAsync("() => document.querySelector('#sidebar').getBoundingClientRect().left === 0");
        await phone.ScreenshotAsync(Shot("phone-menu"));
        await phone.AssertAccessibleAsync();

        foreach (var name in new[] { "sign-in", "characters", "conversation-streaming", "phone-conversation", "phone-menu" })
        {
            Assert.True(new FileInfo(Shot(name)).Length > 10_000, $"{name}.png looks empty.");
        }
    }
}
