using System.Text.RegularExpressions;
using ChatHub.Tests.Support;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>What a person does on the web page, in the words of the page (labels, roles, buttons).</summary>
public sealed partial class ChatPage : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    public ChatPage(IPage page)
    {
        Page = page;
        // Script errors and console errors, which include Content-Security-Policy violations.
        page.PageError += (_, error) => _errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error") _errors.Add(message.Text);
        };
    }

    public IPage Page { get; }

    public IReadOnlyList<string> Errors => _errors;

    public ILocator Messages => Page.Locator("#message-list > li");
    public ILocator UserMessages => Page.Locator("#message-list > li.msg-user");
    /// <summary>The replies, not the greeting a conversation opens with (always its first message).</summary>
    public ILocator Replies => Page.Locator("#message-list > li.msg-ai:not(:first-child)");
    public ILocator LastReply => Replies.Last;
    /// <summary>The greeting the conversation opened with (or the alternative of it shown).</summary>
    public ILocator Greeting => Page.Locator("#message-list > li.msg-ai:first-child");
    public ILocator MessageBox => Page.GetByLabel("Message", new() { Exact = true });
    public ILocator ComposerError => Page.Locator("#composer-error");

    public async Task GotoAsync(string path = "/") => await Page.GotoAsync(path);

    public async Task SignUpAsync(string name, string email, string password)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create an account" }).ClickAsync();
        await Page.GetByLabel("Your name").FillAsync(name);
        await FillCredentialsAsync(email, password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account", Exact = true }).ClickAsync();
        await Expect(Page.Locator("#app-view")).ToBeVisibleAsync();
    }

    /// <summary>Opens the page at <paramref name="path"/>, signed in as <paramref name="user"/>.</summary>
    public async Task OpenSignedInAsync(TestUser user, string path = "/")
    {
        await GotoAsync(path);
        await SignInIfAskedAsync(user);
    }

    /// <summary>
    /// Signs in when the page shows the form. It does not when the API handed out a refresh token,
    /// which the page keeps, so a reload or a second tab stays signed in.
    /// </summary>
    public Task SignInIfAskedAsync(TestUser user) => SignInIfAskedAsync(user.Email, user.Password);

    public async Task SignInIfAskedAsync(string email, string password)
    {
        await Page.Locator("#auth-view:not([hidden]), #app-view:not([hidden])").First.WaitForAsync();
        if (await Page.Locator("#auth-view").IsVisibleAsync())
        {
            await FillCredentialsAsync(email, password);
            await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        }
        await Expect(Page.Locator("#app-view")).ToBeVisibleAsync();
    }

    /// <summary>Picks a character on the home screen; returns the new conversation's id (from the address).</summary>
    public async Task<string> StartConversationAsync(string character = "Sherlock Holmes")
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = character, Exact = true }).ClickAsync();
        // Polls the address: WaitForURL can miss a same-document (hash) navigation that happens while it starts.
        await Expect(Page).ToHaveURLAsync(ConversationUrl());
        await Expect(Page.Locator("#chat-title")).ToHaveTextAsync(character);
        return ConversationUrl().Match(Page.Url).Groups[1].Value;
    }

    /// <summary>Types a message and presses Enter.</summary>
    public async Task SendAsync(string text)
    {
        await MessageBox.FillAsync(text);
        await MessageBox.PressAsync("Enter");
    }

    public async Task<string> TextOfAsync(ILocator message) => await message.Locator(".content").TextContentAsync() ?? "";

    /// <summary>Waits until the last reply is streaming and has some text; returns that text.</summary>
    public async Task<string> ReplyTextWhileStreamingAsync()
    {
        await Expect(LastReply).ToHaveAttributeAsync("data-status", "streaming");
        await Expect(LastReply.Locator(".content")).ToHaveTextAsync(SomeText());
        return await TextOfAsync(LastReply);
    }

    /// <summary>Presses one of a message's buttons by its label ("Regenerate reply", "Next alternative" ...).</summary>
    public async Task PressAsync(ILocator message, string label) =>
        await Button(message, label).ClickAsync();

    public static ILocator Button(ILocator message, string label) =>
        message.GetByRole(AriaRole.Button, new() { Name = label, Exact = true });

    /// <summary>"2 / 3": which of its alternatives the message is.</summary>
    public static ILocator Alternative(ILocator message) => message.Locator(".sibling-count");

    /// <summary>Edits a message in place: its Edit button, the new text, Enter.</summary>
    public async Task EditAsync(ILocator message, string text)
    {
        await PressAsync(message, "Edit message");
        var box = message.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" });
        await box.FillAsync(text);
        await box.PressAsync("Enter");
    }

    /// <summary>Deletes a message (and what follows it), confirming in the dialog.</summary>
    public async Task DeleteAsync(ILocator message)
    {
        await PressAsync(message, "Delete message and what follows");
        await Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
    }

    /// <summary>The sidebar entry of a conversation.</summary>
    public ILocator Conversation(string conversationId) => Page.Locator($"#conversation-list > li[data-id='{conversationId}']");

    public async Task ExpectLastReplyAsync(string status) => await Expect(LastReply).ToHaveAttributeAsync("data-status", status);

    /// <summary>Fails with axe-core's findings (WCAG 2.1 A and AA, best practices) on the screen as it is now.</summary>
    public async Task AssertAccessibleAsync()
    {
        var results = await Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        });
        var problems = results.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => $"{n.Target} {n.Html}"))}");
        Assert.True(results.Violations.Length == 0, string.Join(Environment.NewLine, problems));
    }

    public async Task ScreenshotAsync(string path) => await Page.ScreenshotAsync(new() { Path = path });

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();

    private async Task FillCredentialsAsync(string email, string password)
    {
        await Page.GetByLabel("Email").FillAsync(email);
        await Page.GetByLabel("Password").FillAsync(password);
    }

    [GeneratedRegex(@"#/c/(\w+)$")]
    private static partial Regex ConversationUrl();

    [GeneratedRegex(@"\S")]
    private static partial Regex SomeText();
}
