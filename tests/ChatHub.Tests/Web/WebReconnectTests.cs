using ChatHub.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>The page across a server restart: its own server on a fixed port, stopped and started again on the same data.</summary>
public sealed class WebReconnectTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
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
}
