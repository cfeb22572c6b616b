using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

/// <summary>A conversation opens with its character's greeting and alternatives, and is named after its first exchange.</summary>
public sealed class GreetingAndTitleTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANewConversationOpensWithTheGreetingAndItsAlternativesAsSwipeableSiblingsWithTheNamesFilledIn()
    {
        var user = await shared.Server.CreateUserAsync();
        var character = await user.CreateCharacterAsync(CharacterCalls.NewCharacter("Mara") with
        {
            Greeting = "Cargo or passenger, {{user}}?",
            AlternateGreetings = ["{{char}} looks up from the charts.", "  ", "Back again, {{user}}?"],
        });
        using var http = user.Http();
        var created = await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = character.Id }, Ct);
        var conversation = (await created.Content.ReadFromJsonAsync<ConversationDto>(Ct))!;
        await using var device = await user.ConnectAsync();

        var snapshot = await device.Hub.WatchConversation(conversation.Id).Bounded();
        var greeting = Assert.Single(snapshot.Messages);
        Assert.Equal(("Cargo or passenger, Test User?", MessageValues.SenderAi, null, 0, 3), (greeting.Message, greeting.Sender, greeting.ParentId, greeting.SiblingIndex, greeting.SiblingCount));
        Assert.Equal((greeting.Id, "Cargo or passenger, Test User?"), (conversation.LeafId, conversation.LastMessage?.Preview));
        var alternatives = (await http.GetFromJsonAsync<MessageDto[]>(Routes.Alternatives(conversation.Id, greeting.Id), Ct))!;
        Assert.Equal(["Cargo or passenger, Test User?", "Mara looks up from the charts.", "Back again, Test User?"], alternatives.Select(m => m.Message));

        var swiped = await device.Hub.SelectBranch(new SelectBranchRequest { ConversationId = conversation.Id, MessageId = alternatives[2].Id }).Bounded();
        var sent = await device.SendAsync(conversation.Id, "Passenger, please.");
        await device.Events.Completed(sent.ReplyId);

        Assert.Equal((alternatives[2].Id, 2, 3), (swiped.Messages.Single().Id, swiped.Messages.Single().SiblingIndex, swiped.Messages.Single().SiblingCount));
        var stored = await user.MessagesAsync(conversation.Id, withGreeting: true);
        Assert.Equal([alternatives[2].Id, sent.UserMessageId, sent.ReplyId], stored.Select(m => m.Id));
        Assert.Equal(alternatives[2].Id, stored[1].ParentId);
    }

    [Fact]
    public async Task AfterTheFirstExchangeTheSimulatedModelNamesTheConversationAndEveryDeviceHears()
    {
        var user = await shared.Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        await using var sidebar = await user.ConnectAsync();
        Assert.Null(conversation.Title);

        var sent = await device.SendAsync(conversation.Id, "Who stole the pearl of Lady Blackwood?");
        var untitled = await sidebar.Events.WaitFor<ConversationUpdated>(u => u.Conversation.LeafId == sent.ReplyId);
        var titled = await sidebar.Events.WaitFor<ConversationUpdated>(u => u.Conversation.Title == "Who Stole The Pearl Of");
        await ConversationTreeHubTests.ExchangeAsync(device, conversation.Id, "And why?");

        Assert.Equal("Who stole the pearl of Lady Blackwood?", untitled.Conversation.Title);
        Assert.Equal(sent.ReplyId, titled.Conversation.LeafId);
        using var http = user.Http();
        var listed = await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct);
        Assert.Equal("Who Stole The Pearl Of", listed!.Single(c => c.Id == conversation.Id).Title);
        Assert.Single(sidebar.Events.All<ConversationUpdated>(), u => u.Conversation.Title == "Who Stole The Pearl Of" && u.Conversation.LeafId == sent.ReplyId);
    }

    [Fact]
    public async Task TheTitleIsAShortWholeRequestThatNoReplyWaitsForAndARenameBeforeItStays()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.WholeReplyGate = held.Task;
        fake.WholeReply = FakeReply.Tokens("\"The Pearl", " Affair.\"\nA second line.");
        await using var server = await ChatServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(fake.LlmConfiguration));
        var user = await server.CreateUserAsync();
        var (named, renamed) = (await user.CreateConversationAsync(), await user.CreateConversationAsync());
        await using var device = await user.ConnectAsync();
        using var http = user.Http();

        await ConversationTreeHubTests.ExchangeAsync(device, named.Id, "Who stole the pearl?");
        await ConversationTreeHubTests.ExchangeAsync(device, renamed.Id, "Who stole the pearl?");
        // Both titles are asked for and held; replies go on meanwhile, and the user renames one.
        await ConversationTreeHubTests.ExchangeAsync(device, named.Id, "And why?");
        var asked = await fake.WaitForWholeRequestsAsync(2, Ct);
        (await http.PatchAsJsonAsync(Routes.Conversation(renamed.Id), new RenameConversationRequest { Title = "Mine" }, Ct)).EnsureSuccessStatusCode();
        held.SetResult();
        await device.Events.WaitFor<ConversationUpdated>(u => u.Conversation.Id == named.Id && u.Conversation.Title == "The Pearl Affair");

        Assert.All(asked, r => Assert.Equal((TitlePromptTokens, false), (r.MaxCompletionTokens, r.Body.TryGetProperty("stream", out var s) && s.GetBoolean())));
        Assert.Equal(("user", "User: Who stole the pearl?\nCharacter: Hello from the fake model."), asked[0].Messages[^1]);
        var listed = await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct);
        Assert.Equal("The Pearl Affair", listed!.Single(c => c.Id == named.Id).Title);
        Assert.Equal("Mine", listed!.Single(c => c.Id == renamed.Id).Title);
        Assert.Equal(3, fake.Requests.Count);
    }

    [Fact]
    public async Task WhenTheModelWritesNoTitleTheStartOfTheFirstMessageIsTheTitle()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.WholeReply = FakeReply.Status(400);
        await using var server = await ChatServer.StartAsync(configure: b => b.Configuration.AddInMemoryCollection(fake.LlmConfiguration));
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var text = "Tell me everything about the " + string.Concat(Enumerable.Repeat("very ", 30)) + "long night.";

        await ConversationTreeHubTests.ExchangeAsync(device, conversation.Id, text);

        // First the reply's update with the start of the message as a stand-in, then the stored title.
        var first = await device.Events.WaitFor<ConversationUpdated>();
        var titled = await device.Events.WaitFor<ConversationUpdated>(u => !ReferenceEquals(u, first));
        Assert.Equal(first.Conversation.Title, titled.Conversation.Title);
        Assert.StartsWith("Tell me everything about the very", titled.Conversation.Title);
        Assert.EndsWith("…", titled.Conversation.Title);
        Assert.True(titled.Conversation.Title!.Length <= 100);
        using var http = user.Http();
        var listed = await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct);
        Assert.Equal(titled.Conversation.Title, listed!.Single().Title);
    }

    private const int TitlePromptTokens = 24;
}
