using System.Net.Http.Json;
using System.Text.Json;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatHub.Tests.Web;

/// <summary>
/// Regenerate, swipe, continue, edit, delete and rename on the web page (issue 13), in Debian's chromium against the
/// real service. A second browser context is a second device of the same user.
/// </summary>
public sealed class WebConversationTreeTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string StillReplying = "The character is still replying on this branch. Wait for the reply or stop it.";

    private ChatServer Server => browser.Server;

    [Fact]
    public async Task ARegeneratedReplyIsSwipedBackAndForthWithTheArrowsByMouseAndKeyboard()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversationId) = await OneExchangeAsync(chat, "What do you see in this pocket watch?");
        var first = (await user.MessagesAsync(conversationId))[^1];
        await Expect(ChatPage.Alternative(chat.LastReply)).ToBeHiddenAsync();

        await chat.PressAsync(chat.LastReply, "Regenerate reply");

        await chat.ExpectLastReplyAsync("streaming");
        await chat.ExpectLastReplyAsync("complete");
        await Expect(chat.Replies).ToHaveCountAsync(1);
        await Expect(ChatPage.Alternative(chat.LastReply)).ToHaveTextAsync("2 / 2");
        var alternatives = await AlternativesAsync(user, conversationId, first.Id);
        Assert.Equal(first.Id, alternatives[0].Id);
        await Expect(chat.LastReply).ToHaveAttributeAsync("data-id", alternatives[1].Id);
        // The simulated model writes the same words again: the second take is made different to tell them apart.
        await using (var device = await user.ConnectAsync())
        {
            await device.Hub.EditMessage(new EditMessageRequest { ConversationId = conversationId, MessageId = alternatives[1].Id, Message = "The second take.", ClientMessageId = "e-1" }).Bounded();
        }
        await Expect(chat.LastReply.Locator(".content")).ToHaveTextAsync("The second take.");

        await chat.PressAsync(chat.LastReply, "Previous alternative");

        await Expect(ChatPage.Alternative(chat.LastReply)).ToHaveTextAsync("1 / 2");
        await Expect(chat.LastReply).ToHaveAttributeAsync("data-id", first.Id);
        await Expect(chat.LastReply.Locator(".content")).ToHaveTextAsync(first.Message.Trim());
        await Expect(ChatPage.Button(chat.LastReply, "Previous alternative")).ToBeFocusedAsync();
        Assert.Equal(first.Id, (await user.MessagesAsync(conversationId))[^1].Id);

        await chat.Page.Keyboard.PressAsync("Tab");
        await Expect(ChatPage.Button(chat.LastReply, "Next alternative")).ToBeFocusedAsync();
        await chat.Page.Keyboard.PressAsync("Enter");

        await Expect(ChatPage.Alternative(chat.LastReply)).ToHaveTextAsync("2 / 2");
        await Expect(chat.LastReply.Locator(".content")).ToHaveTextAsync("The second take.");
        await Expect(chat.Replies).ToHaveCountAsync(1);
        await Expect(chat.UserMessages).ToHaveCountAsync(1);
        Assert.Equal(alternatives[1].Id, (await user.MessagesAsync(conversationId))[^1].Id);
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task EditingAUserMessageMakesANewBranchWithItsOwnReplyAndTheOldOneStaysSwipeable()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversationId) = await OneExchangeAsync(chat, "Who took the emerald?");

        await chat.EditAsync(chat.UserMessages.Last, "Who took the sapphire?");

        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync(["Who took the sapphire?"]);
        await Expect(ChatPage.Alternative(chat.UserMessages.Last)).ToHaveTextAsync("2 / 2");
        await chat.ExpectLastReplyAsync("complete");
        await Expect(chat.Replies).ToHaveCountAsync(1);
        await Expect(chat.LastReply.Locator(".content")).ToContainTextAsync("sapphire");
        var stored = await user.MessagesAsync(conversationId, withGreeting: true);
        Assert.Equal(["Who took the sapphire?"], stored.Where(m => m.Sender == MessageValues.SenderUser).Select(m => m.Message));
        Assert.Equal((stored[0].Id, 1, 2), (stored[1].ParentId, stored[1].SiblingIndex, stored[1].SiblingCount));
        Assert.Equal(stored[2].Message.Trim(), await chat.TextOfAsync(chat.LastReply));

        await chat.PressAsync(chat.UserMessages.Last, "Previous alternative");

        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync(["Who took the emerald?"]);
        await Expect(ChatPage.Alternative(chat.UserMessages.Last)).ToHaveTextAsync("1 / 2");
        await Expect(chat.LastReply.Locator(".content")).ToContainTextAsync("emerald");
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task ACharactersReplyEditedInPlaceShowsEditedOnTheOtherDeviceLive()
    {
        await using var laptop = await browser.OpenAsync();
        var (user, conversationId) = await OneExchangeAsync(laptop, "Tell me about the dog in the night.");
        await using var phone = await browser.OpenAsync(375, 812);
        await phone.OpenSignedInAsync(user, $"/#/c/{conversationId}");
        await phone.ExpectLastReplyAsync("complete");

        await laptop.EditAsync(laptop.LastReply, "The dog did **nothing** in the night-time.");

        foreach (var page in new[] { laptop, phone })
        {
            await Expect(page.LastReply.Locator(".content")).ToHaveTextAsync("The dog did nothing in the night-time.");
            await Expect(page.LastReply.Locator(".content strong")).ToHaveTextAsync("nothing");
            await Expect(page.LastReply.Locator(".msg-meta")).ToHaveTextAsync("edited");
        }
        await Expect(ChatPage.Button(laptop.LastReply, "Edit message")).ToBeFocusedAsync();
        var stored = (await user.MessagesAsync(conversationId))[^1];
        Assert.Equal(("The dog did **nothing** in the night-time.", true), (stored.Message, stored.Edited));
        await Expect(laptop.Replies).ToHaveCountAsync(1);
        Assert.Empty(laptop.Errors);
        Assert.Empty(phone.Errors);
    }

    [Fact]
    public async Task EscapeCancelsAnEditAndNothingIsSent()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversationId) = await OneExchangeAsync(chat, "Keep this as it is.");

        await chat.PressAsync(chat.UserMessages.Last, "Edit message");
        var box = chat.UserMessages.Last.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" });
        await box.FillAsync("Something else");
        await box.PressAsync("Escape");

        await Expect(box).ToHaveCountAsync(0);
        await Expect(chat.UserMessages.Locator(".content")).ToHaveTextAsync(["Keep this as it is."]);
        await Expect(ChatPage.Button(chat.UserMessages.Last, "Edit message")).ToBeFocusedAsync();
        Assert.Equal(["Keep this as it is."], (await user.MessagesAsync(conversationId)).Where(m => m.Sender == MessageValues.SenderUser).Select(m => m.Message));
    }

    [Fact]
    public async Task DeletingAMessageRemovesItAndWhatFollowsOnBothDevices()
    {
        await using var laptop = await browser.OpenAsync();
        var (user, conversationId) = await OneExchangeAsync(laptop, "First clue.");
        await laptop.SendAsync("Second clue.");
        // Until the second reply shows, the last reply is the first one, already complete; its branch is not deletable while it streams.
        await Expect(laptop.Replies).ToHaveCountAsync(2);
        await laptop.ExpectLastReplyAsync("complete");
        await using var phone = await browser.OpenAsync();
        await phone.OpenSignedInAsync(user, $"/#/c/{conversationId}");
        // The replies show once the phone watches the conversation: it hears of what is deleted from now on.
        await Expect(phone.Replies).ToHaveCountAsync(2);
        await phone.ExpectLastReplyAsync("complete");

        await laptop.DeleteAsync(laptop.UserMessages.Last);

        foreach (var page in new[] { laptop, phone })
        {
            await Expect(page.UserMessages.Locator(".content")).ToHaveTextAsync(["First clue."]);
            await Expect(page.Replies).ToHaveCountAsync(1);
        }
        var stored = await user.MessagesAsync(conversationId);
        Assert.Equal(["First clue."], stored.Where(m => m.Sender == MessageValues.SenderUser).Select(m => m.Message));
        Assert.Equal(2, stored.Count);
        await Expect(laptop.LastReply).ToHaveAttributeAsync("data-id", stored[1].Id);
        Assert.Empty(laptop.Errors);
        Assert.Empty(phone.Errors);
    }

    [Fact]
    public async Task ASwipesAnswerReadBeforeAnotherDeviceDeletedItsReplyDoesNotBringTheReplyBack()
    {
        HookedConversationStore? store = null;
        await using var server = await ChatServer.StartAsync(BrowserFixture.ServerSettings(), configure: builder => store = HookedConversationStore.Register(builder));
        var user = await server.CreateUserAsync();
        await using var chat = await browser.OpenAsync(server: server);
        var deletedHeard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        chat.Page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
        {
            if (frame.Text?.Contains($"\"target\":\"{HubEvents.MessagesDeleted}\"", StringComparison.Ordinal) == true) deletedHeard.TrySetResult();
        };
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await chat.SendAsync("Whose is the walking stick?");
        await chat.ExpectLastReplyAsync("complete");
        await chat.PressAsync(chat.LastReply, "Regenerate reply");
        await Expect(ChatPage.Alternative(chat.LastReply)).ToHaveTextAsync("2 / 2");
        await chat.ExpectLastReplyAsync("complete");
        var alternatives = await AlternativesAsync(user, conversationId, (await user.MessagesAsync(conversationId))[^1].Id);
        var (first, second) = (alternatives[0], alternatives[1]);
        var hold = store!.HoldPathThrough(first.Id);

        // The swipe back to the first reply reads its branch; the laptop deletes that reply before the answer comes.
        await chat.PressAsync(chat.LastReply, "Previous alternative");
        await hold.Reached.Bounded();
        await using (var laptop = await user.ConnectAsync())
        {
            await laptop.Hub.DeleteMessage(new DeleteMessageRequest { ConversationId = conversationId, MessageId = first.Id }).Bounded();
        }
        await deletedHeard.Task.Bounded();
        hold.Release();

        // The answer holds the deleted reply: the page reads the branch again, which the delete moved to the other reply.
        await Expect(chat.LastReply).ToHaveAttributeAsync("data-id", second.Id);
        await Expect(chat.Replies).ToHaveCountAsync(1);
        await Expect(ChatPage.Alternative(chat.LastReply)).ToBeHiddenAsync();
        await Expect(chat.Page.Locator($"#message-list > li[data-id='{first.Id}']")).ToHaveCountAsync(0);
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task WhileAReplyStreamsSwipingWaitsAndDeletingItsBranchIsRefusedWithTheServersReason()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await chat.SendAsync("Describe the whole of London, street by street.");
        await chat.ReplyTextWhileStreamingAsync();

        await Expect(ChatPage.Button(chat.Greeting, "Next alternative")).ToBeDisabledAsync();
        await Expect(ChatPage.Button(chat.UserMessages.Last, "Edit message")).ToBeDisabledAsync();
        await Expect(chat.LastReply.Locator(".msg-actions")).ToBeHiddenAsync();
        await chat.DeleteAsync(chat.UserMessages.Last);

        await Expect(chat.ComposerError).ToHaveTextAsync(StillReplying);
        await chat.ExpectLastReplyAsync("complete");
        await Expect(ChatPage.Button(chat.Greeting, "Next alternative")).ToBeEnabledAsync();
        await Expect(chat.UserMessages).ToHaveCountAsync(1);
        Assert.Equal(2, (await user.MessagesAsync(conversationId)).Count);
    }

    [Fact]
    public async Task ContinueMakesTheCharacterGoOnWithTheSameReply()
    {
        await using var chat = await browser.OpenAsync();
        var (user, conversationId) = await OneExchangeAsync(chat, "Go on about the speckled band.");
        var before = await chat.TextOfAsync(chat.LastReply);

        await chat.PressAsync(chat.LastReply, "Continue reply");

        await chat.ExpectLastReplyAsync("streaming");
        await chat.ExpectLastReplyAsync("complete");
        await Expect(chat.LastReply.Locator(".content")).ToContainTextAsync("And there is more.");
        await Expect(chat.Replies).ToHaveCountAsync(1);
        var stored = (await user.MessagesAsync(conversationId))[^1];
        Assert.StartsWith(before, stored.Message.Trim());
        Assert.Equal(stored.Message.Trim(), await chat.TextOfAsync(chat.LastReply));
    }

    [Fact]
    public async Task EscapeStopsTheReplyBeingWritten()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await chat.SendAsync("Tell me everything you know about tobacco ash.");
        await chat.ReplyTextWhileStreamingAsync();

        await chat.MessageBox.PressAsync("Escape");

        await chat.ExpectLastReplyAsync("stopped");
        Assert.Equal("stopped", (await user.MessagesAsync(conversationId))[^1].Status);
    }

    [Fact]
    public async Task CopyPutsAMessageOnTheClipboardAndEachMessageShowsWhenItWasWritten()
    {
        await using var chat = await browser.OpenAsync();
        await chat.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var (user, conversationId) = await OneExchangeAsync(chat, "Copy that, Holmes.");
        var reply = (await user.MessagesAsync(conversationId))[^1];

        await chat.PressAsync(chat.LastReply, "Copy message");

        await Expect(chat.Page.Locator("#chat-status")).ToHaveTextAsync("Copied.");
        Assert.Equal(reply.Message, await chat.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        var written = await chat.LastReply.Locator(".msg-time").GetAttributeAsync("datetime");
        Assert.Equal(reply.Timestamp, DateTimeOffset.Parse(written!, System.Globalization.CultureInfo.InvariantCulture));
        await Expect(chat.LastReply.Locator(".msg-time")).Not.ToBeEmptyAsync();
    }

    [Fact]
    public async Task TheGreetingsAlternativesAreSwipeableAndTheConversationFollowsTheOneChosen()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await Expect(ChatPage.Alternative(chat.Greeting)).ToHaveTextAsync("1 / 3");
        await Expect(chat.Greeting.Locator(".content")).ToContainTextAsync("smoking test tube");
        await Expect(ChatPage.Button(chat.Greeting, "Regenerate reply")).ToBeHiddenAsync();

        await chat.PressAsync(chat.Greeting, "Next alternative");
        await Expect(ChatPage.Alternative(chat.Greeting)).ToHaveTextAsync("2 / 3");
        await Expect(chat.Greeting.Locator(".content")).ToContainTextAsync("A visitor at this hour");
        await chat.PressAsync(chat.Greeting, "Next alternative");
        await Expect(ChatPage.Alternative(chat.Greeting)).ToHaveTextAsync("3 / 3");
        await Expect(chat.Greeting.Locator(".content")).ToContainTextAsync("Watson is out");
        await chat.PressAsync(chat.Greeting, "Next alternative");
        await Expect(ChatPage.Alternative(chat.Greeting)).ToHaveTextAsync("1 / 3");
        await chat.PressAsync(chat.Greeting, "Previous alternative");
        await Expect(ChatPage.Alternative(chat.Greeting)).ToHaveTextAsync("3 / 3");
        await chat.SendAsync("Gladly.");
        await chat.ExpectLastReplyAsync("complete");

        var stored = await user.MessagesAsync(conversationId, withGreeting: true);
        Assert.Contains("Watson is out", stored[0].Message);
        Assert.Equal(stored[0].Id, stored[1].ParentId);
        await Expect(ChatPage.Alternative(chat.Greeting)).ToHaveTextAsync("3 / 3");
        Assert.Empty(chat.Errors);
    }

    [Fact]
    public async Task ARenameShowsInTheListOnTheOtherDeviceAndABlankTitleIsRefusedInTheDialog()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var laptop = await browser.OpenAsync();
        await laptop.OpenSignedInAsync(user);
        await using var phone = await browser.OpenAsync();
        await phone.OpenSignedInAsync(user);
        await Expect(phone.Conversation(conversation.Id)).ToBeVisibleAsync();
        var dialog = laptop.Page.GetByRole(AriaRole.Dialog, new() { Name = "Rename this conversation" });

        var rename = laptop.Conversation(conversation.Id).Locator(".conversation-rename");
        await Expect(rename).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("^Rename conversation with \\S"));
        await rename.ClickAsync();
        await dialog.GetByLabel("Title").FillAsync("   ");
        await dialog.GetByLabel("Title").PressAsync("Enter");
        await Expect(dialog.GetByRole(AriaRole.Alert)).ToHaveTextAsync("title must not be empty.");
        await dialog.GetByLabel("Title").FillAsync("The Baker Street notes");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(dialog).ToBeHiddenAsync();
        foreach (var page in new[] { laptop, phone })
        {
            await Expect(page.Conversation(conversation.Id).Locator(".conversation-title")).ToHaveTextAsync("The Baker Street notes");
        }
        using var http = user.Http();
        var listed = await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, TestContext.Current.CancellationToken);
        Assert.Equal("The Baker Street notes", Assert.Single(listed!).Title);
        // The browser logs the refused rename's 400, and nothing else.
        Assert.All(laptop.Errors, error => Assert.Contains("400", error));
    }

    [Fact]
    public async Task AfterTheFirstExchangeTheModelsTitleAndTheLastMessageShowInTheList()
    {
        var user = await Server.CreateUserAsync();
        await using var chat = await browser.OpenAsync();
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();

        await chat.SendAsync("Who stole the pearl of Lady Blackwood?");
        await chat.ExpectLastReplyAsync("complete");

        var item = chat.Conversation(conversationId);
        var reply = (await user.MessagesAsync(conversationId))[^1];
        await Expect(item.Locator(".conversation-title")).ToHaveTextAsync("Who Stole The Pearl Of");
        await Expect(item.Locator(".conversation-preview")).ToHaveTextAsync(ConversationMapping.Shorten(reply.Message, ConversationMapping.PreviewChars));
    }

    /// <summary>On a phone the controls fit the screen and the page stays axe clean with them shown.</summary>
    [Fact]
    public async Task OnAPhoneTheMessageControlsFitTheScreenAndPassAxe()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            var sent = await device.SendAsync(conversation.Id, "A long question about the curious incident, asked on a small screen.");
            await device.Events.Completed(sent.ReplyId);
            var again = await device.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = sent.ReplyId, ClientRequestId = "r-1" }).Bounded();
            await device.Events.Completed(again.ReplyId);
        }
        await using var phone = await browser.OpenAsync(375, 812);

        await phone.OpenSignedInAsync(user, $"/#/c/{conversation.Id}");

        await Expect(ChatPage.Alternative(phone.LastReply)).ToHaveTextAsync("2 / 2");
        foreach (var button in await phone.Page.Locator("#message-list .msg-actions button:visible").AllAsync())
        {
            var box = (await button.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= 375, $"A control is off the screen at x={box.X}.");
        }
        await phone.AssertAccessibleAsync();
        await phone.ScreenshotAsync(Path.Combine(BrowserFixture.ScreenshotFolder(), "phone-alternatives.png"));
    }

    /// <summary>The JS client the page ships (@microsoft/signalr), driven by a script of its own against the real service.</summary>
    [Fact]
    public async Task TheSignalRJavaScriptClientRegeneratesAndSelectsABranchByTheIssuesNames()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var client = await browser.OpenAsync();
        await client.GotoAsync();
        await client.Page.WaitForFunctionAsync("() => window.signalR !== undefined");
        var script = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "ChatHub.Tests", "Web", "Scripts", "tree-client.js"), TestContext.Current.CancellationToken);

        var answer = await client.Page.EvaluateAsync<JsonElement>(script,
            new { token = user.AccessToken, conversationId = conversation.Id, timeoutMs = (int)Timeouts.Event.TotalMilliseconds }).Bounded();

        string Text(string path) => path.Split('.').Aggregate(answer, (node, name) => node.GetProperty(name)).ToString();
        var (userMessageId, firstReplyId, secondReplyId) = (Text("sent.userMessageId"), Text("sent.replyId"), Text("regenerated.replyId"));
        Assert.NotEqual(firstReplyId, secondReplyId);
        Assert.Equal(secondReplyId, Text("retried.replyId"));
        Assert.Equal(userMessageId, Text("started.inReplyTo"));
        Assert.Equal((userMessageId, "1", "2"), (Text("completed.parentId"), Text("completed.siblingIndex"), Text("completed.siblingCount")));
        var shown = answer.GetProperty("selected").GetProperty("messages").EnumerateArray().Last();
        Assert.Equal((firstReplyId, 0, 2), (shown.GetProperty("id").GetString(), shown.GetProperty("siblingIndex").GetInt32(), shown.GetProperty("siblingCount").GetInt32()));
        Assert.Equal(firstReplyId, Text("branch.leafId"));
        Assert.Equal(firstReplyId, (await user.MessagesAsync(conversation.Id))[^1].Id);
        Assert.Equal([firstReplyId, secondReplyId], (await AlternativesAsync(user, conversation.Id, firstReplyId)).Select(m => m.Id));
    }

    /// <summary>Signs a new user in on the page and has one exchange with Sherlock Holmes in a new conversation.</summary>
    private async Task<(TestUser User, string ConversationId)> OneExchangeAsync(ChatPage chat, string text)
    {
        var user = await Server.CreateUserAsync();
        await chat.OpenSignedInAsync(user);
        var conversationId = await chat.StartConversationAsync();
        await chat.SendAsync(text);
        await chat.ExpectLastReplyAsync("complete");
        return (user, conversationId);
    }

    private static async Task<MessageDto[]> AlternativesAsync(TestUser user, string conversationId, string messageId)
    {
        using var http = user.Http();
        return (await http.GetFromJsonAsync<MessageDto[]>(Routes.Alternatives(conversationId, messageId), TestContext.Current.CancellationToken))!;
    }
}
