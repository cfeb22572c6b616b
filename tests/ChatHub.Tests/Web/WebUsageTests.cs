using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>Usage on the page: a budget that ran out is said so in the chat, and settings show what was used.</summary>
public sealed class WebUsageTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task ABudgetThatRanOutIsAClearNoticeThatLeadsToTheUsageInSettings()
    {
        var settings = BrowserFixture.ServerSettings();
        settings["Quotas:Free:TokensPerDay"] = "1";
        await using var server = await ChatServer.StartAsync(settings);
        var user = await server.CreateUserAsync();
        await using var chat = await browser.OpenAsync(server: server);
        await chat.OpenSignedInAsync(user);
        await chat.StartConversationAsync();
        await chat.SendAsync("Hello there");
        await chat.ExpectLastReplyAsync("complete");

        await chat.SendAsync("One more, please");

        await Expect(chat.ComposerError).ToContainTextAsync("You have used today's budget of 1 tokens");
        await Expect(chat.MessageBox).ToHaveValueAsync("One more, please");
        await chat.ComposerError.GetByRole(AriaRole.Link, new() { Name = "See your usage" }).ClickAsync();
        await Expect(chat.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/settings/usage$"));
        await Expect(chat.Page.Locator("#budget-reached")).ToContainTextAsync("You have used today's budget");
        await Expect(chat.Page.Locator("#usage-today")).ToContainTextAsync("of 1 · 0 left");
        await Expect(chat.Page.GetByRole(AriaRole.Region, new() { Name = "Tokens by model" })).ToContainTextAsync("simulated");
    }
}
