using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>Export (JSON tree, Markdown branch) and import (our JSON, SillyTavern .jsonl) through a real server.</summary>
public sealed class ConversationFileApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A SillyTavern chat: the greeting with two swipes (the second chosen), a user message, a reply with three swipes (the third chosen).</summary>
    private const string SillyTavernSample = """
        {"user_name":"You","character_name":"Seraphina","create_date":"2024-05-14@19h20m05s","chat_metadata":{"note_prompt":""}}
        {"name":"Seraphina","is_user":false,"is_system":false,"send_date":"May 14, 2024 7:20pm","mes":"Welcome, traveller.","swipes":["Hello there.","Welcome, traveller."],"swipe_id":1,"extra":{}}
        {"name":"You","is_user":true,"is_system":false,"send_date":"2024-05-14T19:21:00.000Z","mes":"Where am I?","extra":{}}
        {"name":"Narrator","is_user":false,"is_system":true,"send_date":1715714470000,"mes":"(a hidden note)"}
        {"name":"Seraphina","is_user":false,"send_date":1715714480000,"mes":"In the glade.","swipes":["In the forest.","Safe.","In the glade."],"swipe_id":2}

        """;

    [Fact]
    public async Task AJsonExportImportsBackAsTheSameTree()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            var sent = await device.SendAsync(conversation.Id, "First question.");
            await device.Events.Completed(sent.ReplyId);
            var regenerated = await device.Hub.RegenerateReply(new RegenerateReplyRequest
            {
                ConversationId = conversation.Id, ReplyId = sent.ReplyId, ClientRequestId = Guid.NewGuid().ToString("N"),
            }).Bounded();
            await device.Events.Completed(regenerated.ReplyId);
            await device.Hub.SelectBranch(new SelectBranchRequest { ConversationId = conversation.Id, MessageId = sent.ReplyId }).Bounded();
        }
        using var http = user.Http();
        await http.PatchAsJsonAsync(Routes.Conversation(conversation.Id), new RenameConversationRequest { Title = "Round trip" }, Ct);
        var exported = await ExportJsonAsync(user, conversation.Id);

        var response = await user.ImportConversationAsync(JsonSerializer.SerializeToUtf8Bytes(exported, JsonSerializerOptions.Web), "chat.json");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var imported = await response.ReadAsync<ConversationDto>();
        Assert.NotEqual(conversation.Id, imported.Id);
        Assert.Equal(response.Headers.Location?.ToString(), Routes.Conversation(imported.Id));
        var again = await ExportJsonAsync(user, imported.Id);
        Assert.Equal(Shape(exported), Shape(again));
        Assert.Empty(again.Messages.Select(m => m.Id).Intersect(exported.Messages.Select(m => m.Id)));
        Assert.Equal(("Round trip", conversation.CharacterId, 2), (again.Title, again.CharacterId, exported.Messages.Count(m => m.SiblingCount == 2)));
        Assert.Equal(again.LeafId, imported.LeafId);
        Assert.Equal(new[] { conversation.Id, imported.Id }.Order(), (await user.ConversationsAsync()).Select(c => c.Id).Order());
    }

    [Fact]
    public async Task MarkdownHoldsTheActiveBranchOnly()
    {
        var user = await Server.CreateUserAsync();
        var file = OurJson(leafId: "b1", ("g", null, "ai", "Greetings, friend."), ("q", "g", "user", "Which path?"),
            ("a1", "q", "ai", "The left path."), ("a2", "q", "ai", "The right path."), ("b1", "a1", "user", "Left it is."));
        var imported = await (await user.ImportConversationAsync(file, "chat.json", await user.SeededCharacterIdAsync())).ReadAsync<ConversationDto>();

        var response = await user.ExportAsync(imported.Id, ConversationFileEndpoints.Markdown);
        var markdown = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/markdown", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("# Which path?", markdown);
        Assert.Equal(["Greetings, friend.", "Which path?", "The left path.", "Left it is."],
            new[] { "Greetings, friend.", "Which path?", "The left path.", "The right path.", "Left it is." }.Where(markdown.Contains));
        Assert.True(markdown.IndexOf("Which path?", 20, StringComparison.Ordinal) < markdown.IndexOf("The left path.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASillyTavernChatImportsWithItsSwipesAsAlternativesAndTheChosenSwipesAsTheBranch()
    {
        var user = await Server.CreateUserAsync();
        var characterId = await user.SeededCharacterIdAsync();

        var response = await user.ImportConversationAsync(SillyTavernSample, "Seraphina.jsonl", characterId);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var imported = await response.ReadAsync<ConversationDto>();
        Assert.Equal((characterId, "Where am I?"), (imported.CharacterId, imported.Title));
        var branch = await user.MessagesAsync(imported.Id, withGreeting: true);
        Assert.Equal(["Welcome, traveller.", "Where am I?", "In the glade."], branch.Select(m => m.Message));
        Assert.Equal(["ai", "user", "ai"], branch.Select(m => m.Sender));
        Assert.Equal([(1, 2), (0, 1), (2, 3)], branch.Select(m => (m.SiblingIndex, m.SiblingCount)));
        Assert.Equal(DateTimeOffset.Parse("2024-05-14T19:21:00Z"), branch[1].Timestamp);
        using var http = user.Http();
        var alternatives = (await http.GetFromJsonAsync<MessageDto[]>(Routes.Alternatives(imported.Id, branch[2].Id), Ct))!;
        Assert.Equal(["In the forest.", "Safe.", "In the glade."], alternatives.Select(m => m.Message));
        Assert.All(alternatives, m => Assert.Equal(branch[1].Id, m.ParentId));
    }

    [Fact]
    public async Task AnImportedChatGoesOnInTheHubFromItsLeaf()
    {
        var user = await Server.CreateUserAsync();
        var imported = await (await user.ImportConversationAsync(SillyTavernSample, "chat.jsonl", await user.SeededCharacterIdAsync())).ReadAsync<ConversationDto>();
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(imported.Id, "And now?");
        await device.Events.Completed(sent.ReplyId);

        var branch = await user.MessagesAsync(imported.Id, withGreeting: true);
        Assert.Equal(["Welcome, traveller.", "Where am I?", "In the glade.", "And now?"], branch.Take(4).Select(m => m.Message));
        Assert.Equal(sent.ReplyId, branch[^1].Id);
    }

    public static TheoryData<string, string?, string> BadFiles => new()
    {
        { "not a chat at all", null, "neither JSON nor a SillyTavern chat" },
        { "{\"user_name\":\"You\"}\n{\"mes\":\"Hi\",\"is_user\":true}\n{\"mes\": oops}\n", "seeded", "Line 3 is not valid JSON" },
        { "{\"user_name\":\"You\"}\n{\"mes\":\"Hi\",\"is_user\":false,\"swipes\":[\"Hi\"],\"swipe_id\":4}\n", "seeded", "Line 2: swipe_id 4 is not one of its 1 swipes" },
        { "{\"user_name\":\"You\"}\n{\"name\":\"x\",\"is_user\":true}\n", "seeded", "Line 2 has no mes" },
        { "{\"user_name\":\"You\"}\n{\"mes\":\"Hi\",\"is_user\":\"yes\"}\n", "seeded", "Line 2: is_user must be true or false" },
        { "{\"user_name\":\"You\"}\n", "seeded", "holds no messages" },
        { "{\"user_name\":\"You\"}\n{\"mes\":\"Hi\",\"is_user\":true}\n", null, "characterId is required" },
        { OurJson(null, ("a", null, "ai", "Hi"), ("b", "zzz", "user", "Hello")), null, "messages[1].parentId names no message before it" },
        { OurJson(null, ("a", null, "robot", "Hi")), null, "messages[0].sender must be \"user\" or \"ai\"" },
        { OurJson("nope", ("a", null, "ai", "Hi")), null, "leafId names no message" },
        { OurJson(null, ("a", null, "user", new string('x', 16_001))), null, "messages[0]: the message has 16001 characters; at most 16000" },
        { "{\"format\":\"characterchat.conversation\",\"messages\":[{\"id\":\"a\",\"sender\":\"ai\",\"message\":\"Hi\"},]}", null, "line 1" },
        { "{\"format\":\"characterchat.conversation\",\"messages\":{}}", null, "messages must be an array" },
        { "{\"messages\":[{\"id\":\"a\",\"sender\":\"ai\",\"message\":\"Hi\"}],\"characterId\":\"0123456789abcdef01234567\"}", null, "There is no character with that id" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task ABadFileGetsAProblemThatSaysWhatIsWrongAndWritesNothing(string file, string? characterId, string expected)
    {
        var user = await Server.CreateUserAsync();

        var response = await user.ImportConversationAsync(file, "chat.jsonl", characterId is null ? null : await user.SeededCharacterIdAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.ProblemAsync()).Detail);
        Assert.Empty(await user.ConversationsAsync());
    }

    [Fact]
    public async Task AFileWithTooManyMessagesIsRefusedAndWritesNothing()
    {
        var user = await Server.CreateUserAsync();
        var lines = string.Join('\n', Enumerable.Range(0, 5_001).Select(i => $"{{\"mes\":\"m{i}\",\"is_user\":{(i % 2 == 0 ? "true" : "false")}}}"));

        var response = await user.ImportConversationAsync(lines, "chat.jsonl", await user.SeededCharacterIdAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than 5000 messages", (await response.ProblemAsync()).Detail);
        Assert.Empty(await user.ConversationsAsync());
    }

    [Fact]
    public async Task AFileLargerThanTheLimitIsRefusedUnread()
    {
        var user = await Server.CreateUserAsync();

        var response = await user.ImportConversationAsync(new byte[ChatHub.Conversations.Files.ImportLimits.MaxFileBytes + 1], "chat.jsonl");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("larger than 8 MB", (await response.ProblemAsync()).Detail);
        Assert.Empty(await user.ConversationsAsync());
    }

    [Fact]
    public async Task AChatCannotBeImportedIntoAnotherUsersPrivateCharacter()
    {
        var owner = await Server.CreateUserAsync();
        var secret = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter("Secret"));
        var user = await Server.CreateUserAsync();

        var response = await user.ImportConversationAsync(SillyTavernSample, "chat.jsonl", secret.Id);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("There is no character with that id.", (await response.ProblemAsync()).Detail);
        Assert.Empty(await user.ConversationsAsync());
    }

    private static async Task<ConversationExport> ExportJsonAsync(TestUser user, string conversationId)
    {
        var response = await user.ExportAsync(conversationId, ConversationFileEndpoints.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadAsync<ConversationExport>();
    }

    /// <summary>The tree without its ids: each message's parent as an index, its sender, text and place, and the leaf's index.</summary>
    private static object Shape(ConversationExport export)
    {
        var index = export.Messages.Select((m, i) => (m.Id, i)).ToDictionary(p => p.Id, p => p.i);
        return (string.Join('\n', export.Messages.Select(m => $"{(m.ParentId is null ? -1 : index[m.ParentId])} {m.Sender} {m.SiblingIndex}/{m.SiblingCount} {m.Edited} {m.Message}")),
            index[export.LeafId!]);
    }

    private static string OurJson(string? leafId, params (string Id, string? Parent, string Sender, string Text)[] messages) =>
        JsonSerializer.Serialize(new
        {
            format = ConversationExport.FormatName,
            leafId,
            messages = messages.Select(m => new { id = m.Id, parentId = m.Parent, sender = m.Sender, message = m.Text }),
        });
}
