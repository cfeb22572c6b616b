using System.Net.Http.Json;
using ChatHub.Contracts;
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

    [Fact]
    public async Task ASillyTavernChatImportedFromTheOpenConversationOpensWithItsMessagesAndABadFileShowsTheServersReason()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversation) = await OpenNewConversationAsync(chat);
        var input = chat.Page.GetByLabel("Import a chat");
        const string tavern = """
            {"user_name":"You","character_name":"Holmes","create_date":"2024-05-14@19h20m05s","chat_metadata":{}}
            {"name":"Holmes","is_user":false,"send_date":"2024-05-14T19:20:00.000Z","mes":"You have been in Afghanistan, I perceive."}
            {"name":"You","is_user":true,"send_date":"2024-05-14T19:21:00.000Z","mes":"How on earth did you know that?"}
            """;

        await input.SetInputFilesAsync(new FilePayload { Name = "bad.jsonl", MimeType = "application/json", Buffer = "{\"user_name\":\"You\"}\n{\"mes\": oops}\n"u8.ToArray() });

        await Expect(chat.Page.Locator("#tools-error")).ToContainTextAsync("Line 2 is not valid JSON");
        Assert.Single(await user.ConversationsAsync());

        await input.SetInputFilesAsync(new FilePayload { Name = "holmes.jsonl", MimeType = "application/json", Buffer = System.Text.Encoding.UTF8.GetBytes(tavern) });

        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync(["How on earth did you know that?"]);
        await Expect(chat.Greeting.Locator(".content")).ToHaveTextAsync("You have been in Afghanistan, I perceive.");
        await Expect(chat.Page.Locator("#tools-error")).ToBeHiddenAsync();
        var imported = Assert.Single(await user.ConversationsAsync(), c => c.Id != conversation.Id);
        Assert.EndsWith($"#/c/{imported.Id}", chat.Page.Url);
        await Expect(chat.Conversation(imported.Id)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ExportingSavesTheConversationAsMarkdownAndAsJsonWithTheBearerToken()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversation) = await OpenNewConversationAsync(chat);

        foreach (var (button, format) in new[] { ("Export Markdown", "markdown"), ("Export JSON", "json") })
        {
            var download = await chat.Page.RunAndWaitForDownloadAsync(() => chat.Page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync());
            var saved = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
            var expected = await (await user.ExportAsync(conversation.Id, format)).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Equal(expected, saved);
            Assert.EndsWith(format == "json" ? ".json" : ".md", download.SuggestedFilename);
        }
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task ASummarySavedInTheMemoryPanelIsStillThereAfterAReloadAndTurningMemoryOffIsStored()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversation) = await OpenNewConversationAsync(chat);
        var panel = chat.Page.GetByRole(AriaRole.Form, new() { Name = "Memory" });

        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Memory", Exact = true }).ClickAsync();
        await Expect(panel.GetByLabel("Memory enabled")).ToBeCheckedAsync();
        await panel.GetByLabel("Memory summary").FillAsync("Watson was shot in Afghanistan; Holmes guessed it.");
        await panel.GetByLabel("Memory enabled").UncheckAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "Save memory" }).ClickAsync();
        await Expect(panel.GetByRole(AriaRole.Status)).ToHaveTextAsync("Memory saved.");

        await chat.Page.ReloadAsync();
        await chat.SignInIfAskedAsync(user);
        await Expect(chat.Greeting).ToBeVisibleAsync();
        await chat.Page.GetByRole(AriaRole.Button, new() { Name = "Memory", Exact = true }).ClickAsync();

        await Expect(panel.GetByLabel("Memory summary")).ToHaveValueAsync("Watson was shot in Afghanistan; Holmes guessed it.");
        await Expect(panel.GetByLabel("Memory enabled")).Not.ToBeCheckedAsync();
        using var http = user.Http();
        var stored = await http.GetFromJsonAsync<ConversationMemoryDto>(Routes.ConversationMemory(conversation.Id), TestContext.Current.CancellationToken);
        Assert.Equal(("Watson was shot in Afghanistan; Holmes guessed it.", false), (stored!.Summary, stored.Enabled));
        Assert.Empty(chat.Errors);
    }

    /// <summary>Signs a new user in on the page with a new conversation with Sherlock Holmes open.</summary>
    private async Task<(TestUser User, ConversationDto Conversation)> OpenNewConversationAsync(ChatPage chat)
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await chat.OpenSignedInAsync(user, $"/#/c/{conversation.Id}");
        await Expect(chat.Greeting).ToBeVisibleAsync();
        return (user, conversation);
    }
}
