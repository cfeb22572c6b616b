using System.Net.Http.Json;
using System.Text.RegularExpressions;
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

    /// <summary>
    /// The first export and the first import go out with a token the server does not take (as once it has expired or
    /// its key changed): the server answers 401, and the page refreshes the token and tries once more, as its other calls do.
    /// </summary>
    [Fact]
    public async Task ExportAndImportRefusedForTheirTokenAreRefreshedAndTriedOnceMore()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversation) = await OpenNewConversationAsync(chat);
        var calls = new List<string>();
        chat.Page.Request += (_, request) => calls.Add(new Uri(request.Url).AbsolutePath);
        var staled = new HashSet<string>();
        await chat.Page.RouteAsync(new Regex("/api/conversations/.*(export|import)"), async route =>
        {
            var headers = new Dictionary<string, string>(route.Request.Headers);
            if (staled.Add(new Uri(route.Request.Url).AbsolutePath)) headers["authorization"] = "Bearer not-a-token-the-server-takes";
            await route.ContinueAsync(new() { Headers = headers });
        });

        var download = await chat.Page.RunAndWaitForDownloadAsync(() => chat.Page.GetByRole(AriaRole.Button, new() { Name = "Export JSON" }).ClickAsync());
        var exported = await File.ReadAllBytesAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        await chat.Page.GetByLabel("Import a chat").SetInputFilesAsync(new FilePayload { Name = "again.json", MimeType = "application/json", Buffer = exported });

        await Expect(chat.Page.Locator("#conversation-list > li")).ToHaveCountAsync(2);
        var imported = Assert.Single(await user.ConversationsAsync(), c => c.Id != conversation.Id);
        await Expect(chat.Page).ToHaveURLAsync(new Regex($"#/c/{imported.Id}$"));
        await Expect(chat.Page.Locator("#tools-error")).ToBeHiddenAsync();
        var export = Routes.ConversationExport(conversation.Id, "json").Split('?')[0];
        Assert.Equal([export, Routes.Refresh, export], calls.Where(c => c == export || c == Routes.Refresh).Take(3));
        Assert.Equal(2, calls.Count(c => c.EndsWith("/import", StringComparison.Ordinal)));
        // The browser logs each refused request; nothing else went wrong.
        Assert.All(chat.Errors, error => Assert.Contains("status of 401", error));
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

    /// <summary>
    /// On a phone the conversation's tools and the memory panel fit the screen, and axe finds nothing with the panel
    /// open and an import's error shown, nor in the drawer listing search results.
    /// </summary>
    [Fact]
    public async Task OnAPhoneTheSearchTheConversationToolsAndTheMemoryPanelFitTheScreenAndPassAxe()
    {
        const int width = 375;
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            var sent = await device.SendAsync(conversation.Id, "Where is the marmalade jar hidden?");
            await device.Events.Completed(sent.ReplyId);
        }
        await using var phone = await browser.OpenAsync(width, 812);
        var page = phone.Page;
        var folder = BrowserFixture.ScreenshotFolder();
        await phone.OpenSignedInAsync(user, $"/#/c/{conversation.Id}");
        await Expect(phone.Replies).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Button, new() { Name = "Memory", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Form, new() { Name = "Memory" })).ToBeVisibleAsync();
        await page.GetByLabel("Import a chat").SetInputFilesAsync(new FilePayload { Name = "bad.json", MimeType = "application/json", Buffer = "{"u8.ToArray() });
        await Expect(page.Locator("#tools-error")).ToBeVisibleAsync();

        foreach (var control in await page.Locator("#conversation-tools > *, #memory-form :is(button, textarea, input)").AllAsync())
        {
            var box = await control.BoundingBoxAsync();
            Assert.True(box is { X: >= 0 } && box.X + box.Width <= width, $"'{await control.TextContentAsync()}' is off the screen: {box?.X}+{box?.Width}.");
        }
        await phone.ScreenshotAsync(Path.Combine(folder, "phone-conversation-tools.png"));
        await phone.AssertAccessibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Open conversations" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#sidebar').getBoundingClientRect().left === 0");
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search conversations" }).FillAsync("marmalade");
        await Expect(page.Locator("#search-results > li")).ToHaveCountAsync(1);
        await phone.ScreenshotAsync(Path.Combine(folder, "phone-search.png"));
        await phone.AssertAccessibleAsync();
        // The browser logs the refused import; nothing else went wrong.
        Assert.All(phone.Errors, error => Assert.Contains("status of 400", error));
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
