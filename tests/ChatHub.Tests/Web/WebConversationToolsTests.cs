using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>The page's search over my conversations, export and import of a conversation, and its memory, in Debian's chromium against the real service.</summary>
public sealed class WebConversationToolsTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private ChatServer Server => browser.Server;

    [Fact]
    public async Task SearchingAWordListsOnlyTheConversationThatHoldsItWithItsSnippetAndClearingShowsTheListAgain()
    {
        var user = await Server.CreateUserAsync();
        var withWord = await user.CreateConversationAsync();
        var without = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            foreach (var (id, text) in new[] { (withWord.Id, "Where is the marmalade jar hidden?"), (without.Id, "Tell me about the hound.") })
            {
                var sent = await device.SendAsync(id, text);
                await device.Events.Completed(sent.ReplyId);
            }
        }
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        await Expect(chat.Conversation(without.Id)).ToBeVisibleAsync();
        var box = chat.Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search conversations" });
        var results = chat.Page.Locator("#search-results > li");

        await box.FillAsync("marmalade");

        await Expect(results).ToHaveCountAsync(1);
        await Expect(results.First).ToHaveAttributeAsync("data-id", withWord.Id);
        await Expect(results.First.Locator(".conversation-snippet")).ToContainTextAsync("marmalade jar");
        await Expect(chat.Page.Locator("#conversation-list")).ToBeHiddenAsync();

        await results.First.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync(["Where is the marmalade jar hidden?"]);

        await box.FillAsync("");
        await Expect(chat.Page.Locator("#search-results")).ToBeHiddenAsync();
        await Expect(chat.Page.Locator("#conversation-list > li")).ToHaveCountAsync(2);
        Assert.Empty(chat.Errors);
    }
}
