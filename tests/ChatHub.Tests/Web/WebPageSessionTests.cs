using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>The page when its session ends under it: it carries on by itself where it can, and otherwise says why.</summary>
public sealed class WebPageSessionTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task APasswordChangeOnAnotherDeviceSignsThePageOutSayingWhy()
    {
        var user = await browser.Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        await chat.StartConversationAsync();

        var change = await browser.Server.PostJsonAsync(Routes.MyPassword,
            new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = "a brand new passphrase" }, user.AccessToken);

        change.EnsureSuccessStatusCode();
        await Expect(chat.Page.Locator("#auth-view")).ToBeVisibleAsync();
        await Expect(chat.Page.Locator("#auth-notice"))
            .ToHaveTextAsync("You were signed out because your password was changed. Please sign in again.");
    }

    [Fact]
    public async Task WhenTheAccessTokenExpiresThePageRenewsItAndReconnectsKeepingTheConversation()
    {
        var clock = new AdjustableClock();
        await using var server = await ChatServer.StartAsync(BrowserFixture.ServerSettings(), configure: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var user = await server.CreateUserAsync();
        await using var chat = await browser.OpenAsync(server: server);
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await chat.SendAsync("Before the token expires");
        await chat.ExpectLastReplyAsync("complete");
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.Page.WebSocket += (_, socket) => expired.TrySetResult();

        clock.Advance(TimeSpan.FromMinutes(16));

        // The server closes the connection; the page opens a new one with a renewed token, on its own.
        await expired.Task.Bounded();
        await Expect(chat.Page.Locator("#offline-banner")).ToBeHiddenAsync();
        await chat.SendAsync("After the token expired");
        await Expect(chat.Replies).ToHaveCountAsync(2);
        await chat.ExpectLastReplyAsync("complete");
        await Expect(chat.Page.Locator("#app-view")).ToBeVisibleAsync();
        await Expect(chat.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"#/c/{conversationId}$"));
        await Expect(chat.UserMessages.First.Locator(".content")).ToHaveTextAsync("Before the token expires");
    }
}
