using System.Net.Http.Json;
using System.Text;
using ChatHub.Contracts;
using ChatHub.Tests.Cards;
using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>User-made characters on the web page, in chromium, against the real service.</summary>
public sealed class WebCharacterTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACreatorMakesACharacterWithALorebookAndAnAvatarAndFindsItInTheCatalogue()
    {
        var user = await browser.Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var page = chat.Page;
        var name = $"Mara {Guid.NewGuid():N}"[..16];

        await page.GetByRole(AriaRole.Button, new() { Name = "New character" }).ClickAsync();
        var editor = page.Locator("#character-editor");
        await editor.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await editor.GetByLabel("Description", new() { Exact = true }).FillAsync("A smuggler who runs the blockade.");
        await editor.GetByLabel("Visibility").SelectOptionAsync("public");
        await editor.GetByLabel("Greeting", new() { Exact = true }).FillAsync("Cargo or passenger?");
        await editor.GetByLabel("Tags (comma-separated)").FillAsync("smuggler, space");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Add an entry" }).ClickAsync();
        await editor.GetByLabel("Entry 1 keys (comma-separated)").FillAsync("blockade, Admiralty");
        await editor.GetByLabel("Entry 1 content").FillAsync("The blockade is run by the Admiralty.");
        await editor.GetByLabel("Avatar (PNG, JPEG or WebP)").SetInputFilesAsync(new FilePayload { Name = "face.png", MimeType = "image/png", Buffer = TestImages.Encode(300, 200) });
        await Expect(page.GetByAltText("Avatar preview")).ToBeVisibleAsync();
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save character" }).ClickAsync();

        await Expect(page.Locator("#catalogue-status")).ToHaveTextAsync($"{name} was saved.");
        await page.GetByLabel("Search characters").FillAsync(name.Split(' ')[1]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var card = page.Locator("#character-list > li");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card.Locator(".character-name")).ToHaveTextAsync(name);
        await Expect(card.Locator("img.avatar-img")).ToBeVisibleAsync();
        using var http = user.Http();
        var stored = (await http.GetFromJsonAsync<CharacterDto[]>(Routes.Catalogue(mine: true), Ct))!.Single();
        Assert.Equal(["blockade", "Admiralty"], stored.Lorebook!["entries"]![0]!["keys"]!.AsArray().Select(k => (string?)k));
        Assert.Equal(("Cargo or passenger?", CharacterVisibility.Public), (stored.Greeting, stored.Visibility));
        Assert.NotNull(stored.Avatar);

        // Wherever the page shows the character, its avatar takes the initials' place.
        await chat.StartConversationAsync(name);
        await Expect(page.Locator("#chat-avatar img.avatar-img")).ToBeVisibleAsync();
        await Expect(page.Locator(".conversation-link img.avatar-img")).ToHaveCountAsync(1);
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task ACardIsImportedByThePickerOrByDropEditedAndExported()
    {
        var user = await browser.Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var page = chat.Page;
        var png = TestImages.WithText(TestImages.Encode(64, 64), ("chara", TestImages.Base64Json(TestCards.V2("Picked Card").ToJsonString())));

        await page.GetByLabel("Import a character card (PNG, JSON or .charx), or drop it here").SetInputFilesAsync(
            new FilePayload { Name = "card.png", MimeType = "image/png", Buffer = png });
        await Expect(page.Locator("#catalogue-status")).ToHaveTextAsync("Imported Picked Card.");
        await DropAsync(page, "dropped.json", TestCards.V1("Dropped Card"));
        await Expect(page.Locator("#catalogue-status")).ToHaveTextAsync("Imported Dropped Card.");

        await page.GetByLabel("My characters").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.Locator("#character-list > li")).ToHaveCountAsync(2);
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit Picked Card" }).ClickAsync();
        await Expect(page.Locator("#character-editor").GetByLabel("Entry 3 content")).ToHaveValueAsync("It is always raining.");
        await page.Locator("#character-editor").GetByLabel("Scenario").FillAsync("A new scenario.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save character" }).ClickAsync();
        await Expect(page.Locator("#catalogue-status")).ToHaveTextAsync("Picked Card was saved.");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Export JSON Picked Card" }).ClickAsync());
        var exported = await File.ReadAllTextAsync(await download.PathAsync(), Ct);
        Assert.Contains("\"spec\":\"chara_card_v2\"", exported);
        Assert.Contains("A new scenario.", exported);
        // The page edited the lorebook in place: what it does not show survived.
        Assert.Contains("\"custom_book_key\":[1,2.5,\"three\"]", exported);
        Assert.Contains("\"probability\":100", exported);
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task AUserReportsACharacterAndAnAdminHidesItFromTheModerationList()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync(BrowserFixture.ServerSettings());
        await using var _ = server;
        var owner = await server.CreateUserAsync();
        var name = $"Troll {Guid.NewGuid():N}"[..14];
        var character = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter(name, CharacterVisibility.Public));
        var reporter = await server.CreateUserAsync();

        await using (var chat = await browser.OpenAsync(server: server))
        {
            await chat.OpenSignedInAsync(reporter);
            chat.Page.Dialog += (_, dialog) => dialog.AcceptAsync("Rude replies.");
            await chat.Page.GetByRole(AriaRole.Button, new() { Name = $"Report {name}" }).ClickAsync();
            await Expect(chat.Page.Locator("#catalogue-status")).ToHaveTextAsync($"Thank you: {name} was reported.");
        }

        await using var moderator = await browser.OpenAsync(server: server);
        await moderator.OpenSignedInAsync(admin);
        var report = moderator.Page.Locator("#report-list > li", new() { HasText = "Rude replies." });
        await report.GetByRole(AriaRole.Button, new() { Name = "Hide", Exact = true }).ClickAsync();
        await Expect(moderator.Page.Locator("#catalogue-status")).ToHaveTextAsync("The character is hidden.");
        using var http = owner.Http();
        Assert.True((await http.GetFromJsonAsync<CharacterDto>(Routes.Character(character.Id), Ct))!.Hidden);
        Assert.Empty(moderator.Errors);
    }

    /// <summary>Drops a file on the import area as a person dragging it from their desktop would.</summary>
    private static async Task DropAsync(IPage page, string fileName, string content)
    {
        var transfer = await page.EvaluateHandleAsync(
            "([name, text]) => { const t = new DataTransfer(); t.items.add(new File([text], name, { type: 'application/json' })); return t; }",
            new object[] { fileName, content });
        await page.Locator("#import-drop").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
    }
}
