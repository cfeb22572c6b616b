using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary><c>GET /api/conversations</c>: titles, previews, characters, paging and search, through a real server.</summary>
public sealed class ConversationListApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachConversationIsListedWithItsTitleLastMessageAndCharacter()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            var sent = await device.SendAsync(conversation.Id, "Tell me about the night.");
            await device.Events.Completed(sent.ReplyId);
        }
        using var http = user.Http();
        await http.PatchAsJsonAsync(Routes.Conversation(conversation.Id), new RenameConversationRequest { Title = "Night talk" }, Ct);
        var reply = (await user.MessagesAsync(conversation.Id))[^1];
        var character = await http.GetFromJsonAsync<CharacterDto>(Routes.Character(conversation.CharacterId), Ct);

        var listed = Assert.Single(await user.ConversationsAsync());

        Assert.Equal("Night talk", listed.Title);
        Assert.Equal(reply.Id, listed.LeafId);
        Assert.Equal(new LastMessagePreview { Sender = MessageValues.SenderAi, Preview = Shorten(reply.Message), Timestamp = reply.Timestamp }, listed.LastMessage);
        Assert.Equal(new ConversationCharacter { Id = character!.Id, Name = character.Name, Avatar = character.Avatar }, listed.Character);
        Assert.Null(listed.Match);
    }

    [Fact]
    public async Task AConversationJustStartedShowsItsGreetingAsTheLastMessage()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        var greeting = (await user.MessagesAsync(conversation.Id, withGreeting: true)).Single();

        var listed = Assert.Single(await user.ConversationsAsync());

        Assert.Equal(greeting.Timestamp, listed.LastMessage?.Timestamp);
        Assert.Equal(MessageValues.SenderAi, listed.LastMessage?.Sender);
        Assert.Null(listed.Title);
    }

    [Fact]
    public async Task TheListIsPagedByLimitAndTheNextPagesLinkUntilTheLast()
    {
        var user = await Server.CreateUserAsync();
        var created = new List<string>();
        for (var i = 0; i < 3; i++) created.Add((await user.CreateConversationAsync()).Id);

        var (first, next) = await user.PageAsync<ConversationDto>(Routes.ConversationList(limit: 2));
        var (second, last) = await user.PageAsync<ConversationDto>(next!);

        Assert.Equal(2, first.Length);
        Assert.Single(second);
        Assert.Null(last);
        Assert.Equal(created.Order(), first.Concat(second).Select(c => c.Id).Order());
        Assert.Contains("limit=2", next);
        Assert.Equal(created.Order(), (await user.ConversationsAsync()).Select(c => c.Id).Order());
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=201", "limit")]
    [InlineData("?cursor=not-a-cursor", "cursor")]
    [InlineData("?query=a%20b%20c%20d%20e%20f%20g%20h%20i", "words")]
    public async Task BadListParametersGetAProblemThatSaysWhich(string query, string named)
    {
        using var http = (await Server.CreateUserAsync()).Http();

        var response = await http.GetAsync(Routes.Conversations + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task SearchFindsTheCallersMessagesAndTitlesWithASnippetAndTheMessageIdButNotOthersOrDeletedOnes()
    {
        var word = $"zq{Guid.NewGuid():N}"[..12];
        var (alice, bob) = (await Server.CreateUserAsync(), await Server.CreateUserAsync());
        var (aliceChat, titled, deleted, bobChat) = (await alice.CreateConversationAsync(), await alice.CreateConversationAsync(),
            await alice.CreateConversationAsync(), await bob.CreateConversationAsync());
        SendMessageResult sent;
        await using (var device = await alice.ConnectAsync())
        {
            // The simulated model echoes a message's first five words: these are past them, so only the user's message holds them.
            sent = await device.SendAsync(aliceChat.Id, $"{new string('x', 200)} The map says the treasure is {word.ToUpperInvariant()} hidden. {new string('y', 200)}");
            await device.Events.Completed(sent.ReplyId);
            await device.Events.Completed((await device.SendAsync(deleted.Id, $"Forget {word}.")).ReplyId);
        }
        await using (var device = await bob.ConnectAsync()) await device.Events.Completed((await device.SendAsync(bobChat.Id, $"Bob's {word}.")).ReplyId);
        using var http = alice.Http();
        await http.PatchAsJsonAsync(Routes.Conversation(titled.Id), new RenameConversationRequest { Title = $"The {word} files" }, Ct);
        await http.DeleteAsync(Routes.Conversation(deleted.Id), Ct);

        var found = await alice.ConversationsAsync(query: $"hidden {word}");
        var byTitle = await alice.ConversationsAsync(query: $"{word} files");

        var match = Assert.Single(found);
        Assert.Equal(aliceChat.Id, match.Id);
        Assert.Equal(sent.UserMessageId, match.Match?.MessageId);
        Assert.Contains($"treasure is {word.ToUpperInvariant()} hidden.", match.Match?.Snippet);
        Assert.True(match.Match?.Snippet.Length < 200, match.Match?.Snippet);
        Assert.NotNull(match.LastMessage);
        var titleMatch = Assert.Single(byTitle);
        Assert.Equal((titled.Id, null, $"The {word} files"), (titleMatch.Id, titleMatch.Match?.MessageId, titleMatch.Match?.Snippet));
        Assert.Equal([bobChat.Id], (await bob.ConversationsAsync(query: word)).Select(c => c.Id));
    }

    [Fact]
    public async Task SearchTextIsNeverReadAsQuerySyntax()
    {
        var user = await Server.CreateUserAsync();
        await user.CreateConversationAsync();

        Assert.Empty(await user.ConversationsAsync(query: "\" OR owner : * NEAR(a b) .*(a+)+$"));
    }

    [Theory]
    [InlineData(ConversationFileEndpoints.Json)]
    [InlineData(ConversationFileEndpoints.Markdown)]
    [InlineData("pdf")]
    public async Task AnotherUsersConversationCannotBeExportedAndLooksMissing(string format)
    {
        var owner = await Server.CreateUserAsync();
        var conversation = await owner.CreateConversationAsync();
        var intruder = await Server.CreateUserAsync();

        var response = await intruder.ExportAsync(conversation.Id, format);
        var missing = await intruder.ExportAsync("0123456789abcdef01234567", format);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal((await missing.ProblemAsync()).Detail, (await response.ProblemAsync()).Detail);
        Assert.Empty(await intruder.ConversationsAsync(query: "greeting"));
    }

    private static string Shorten(string text) => ConversationMapping.Shorten(text, ConversationMapping.PreviewChars);
}

