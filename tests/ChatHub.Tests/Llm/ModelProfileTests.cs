using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Tests.Llm;

/// <summary>
/// Model profiles through the hub and REST against two fake OpenAI servers at once: the default profile (the
/// <c>Llm</c> keys) on one, the <c>backup</c> profile (<c>Llm:Models:backup</c>) on the other.
/// </summary>
public sealed class ModelProfileTests
{
    private const string Backup = "backup";
    private const string BackupModel = "backup-model";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Rig(FakeOpenAiServer Main, FakeOpenAiServer Second, ChatServer Server, TestUser User) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Second.DisposeAsync();
            await Main.DisposeAsync();
        }
    }

    private static async Task<Rig> StartAsync(Dictionary<string, string>? settings = null, bool withAdmin = false)
    {
        var main = await FakeOpenAiServer.StartAsync(Ct);
        var second = await FakeOpenAiServer.StartAsync(Ct);
        var config = new Dictionary<string, string>(settings ?? [])
        {
            ["Llm:Endpoint"] = main.Endpoint.ToString(),
            ["Llm:Model"] = FakeOpenAiServer.Model,
            ["Llm:ApiKey"] = FakeOpenAiServer.ApiKey,
            [$"Llm:Models:{Backup}:Endpoint"] = second.Endpoint.ToString(),
            [$"Llm:Models:{Backup}:Model"] = BackupModel,
            [$"Llm:Models:{Backup}:ApiKey"] = "second-key",
        };
        if (withAdmin)
        {
            var (adminServer, admin) = await ChatServer.StartWithAdminAsync(config);
            return new Rig(main, second, adminServer, admin);
        }
        var server = await ChatServer.StartAsync(config);
        return new Rig(main, second, server, await server.CreateUserAsync());
    }

    private static async Task<MessageDto> ReplyAsync(Device device, string conversationId, string text)
    {
        var sent = await device.SendAsync(conversationId, text);
        return (await device.Events.Completed(sent.ReplyId)).Message;
    }

    private static async Task<HttpResponseMessage> PatchAsync(TestUser user, string conversationId, RenameConversationRequest request)
    {
        using var http = user.Http();
        return await http.PatchAsJsonAsync(Routes.Conversation(conversationId), request, Ct).Bounded();
    }

    private static async Task<HttpResponseMessage> CreateConversationAsync(TestUser user, string characterId, string? profile)
    {
        using var http = user.Http();
        return await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = characterId, ModelProfile = profile }, Ct).Bounded();
    }

    private static async Task<JsonElement> ModelHealthAsync(ChatServer server)
    {
        using var anonymous = server.CreateHttpClient();
        return await anonymous.GetFromJsonAsync<JsonElement>(Routes.HealthModels, Ct).Bounded();
    }

    [Fact]
    public async Task RepliesGoToTheProfileTheCharacterNamesUnlessTheConversationPicksAnother()
    {
        await using var rig = await StartAsync();
        var (main, second, user) = (rig.Main, rig.Second, rig.User);
        rig.Second.DefaultReply = FakeReply.Tokens("From", " the", " backup.");
        // A built-in character, which names no profile (the catalogue's first, before the user has one of their own).
        var byDefault = await user.CreateConversationAsync();
        var onBackup = await user.CreateCharacterAsync(CharacterCalls.NewCharacter("Backup Captain") with { ModelProfile = Backup });
        Assert.Equal(Backup, onBackup.ModelProfile);
        var byCharacter = await user.CreateConversationAsync(onBackup.Id);
        await using var device = await user.ConnectAsync();

        var fromBackup = await ReplyAsync(device, byCharacter.Id, "Which engine answers?");
        var fromMain = await ReplyAsync(device, byDefault.Id, "And here?");

        Assert.Equal("From the backup.", fromBackup.Message);
        Assert.Equal(BackupModel, fromBackup.Usage!.Model);
        Assert.Equal(FakeOpenAiServer.Model, fromMain.Usage!.Model);
        Assert.Equal(BackupModel, Assert.Single(second.Requests).Model);
        Assert.Equal(FakeOpenAiServer.Model, Assert.Single(main.Requests).Model);

        // The conversation's pick beats the character's, both ways; "" goes back to the character's.
        var picked = await (await PatchAsync(user, byDefault.Id, new RenameConversationRequest { ModelProfile = Backup })).ReadAsync<ConversationDto>();
        var overridden = await (await PatchAsync(user, byCharacter.Id, new RenameConversationRequest { ModelProfile = "default" })).ReadAsync<ConversationDto>();
        Assert.Equal(Backup, picked.ModelProfile);
        Assert.Equal("default", overridden.ModelProfile);
        Assert.Equal(BackupModel, (await ReplyAsync(device, byDefault.Id, "Now which?")).Usage!.Model);
        Assert.Equal(FakeOpenAiServer.Model, (await ReplyAsync(device, byCharacter.Id, "And this one?")).Usage!.Model);
        var cleared = await (await PatchAsync(user, byCharacter.Id, new RenameConversationRequest { ModelProfile = "" })).ReadAsync<ConversationDto>();
        Assert.Null(cleared.ModelProfile);
        Assert.Equal(BackupModel, (await ReplyAsync(device, byCharacter.Id, "Back again?")).Usage!.Model);
        Assert.Equal(3, second.Requests.Count);
        Assert.Equal(2, main.Requests.Count);

        // Picked at creation, and kept with the conversation.
        var created = await (await CreateConversationAsync(user, byDefault.CharacterId, Backup)).ReadAsync<ConversationDto>();
        Assert.Equal(Backup, created.ModelProfile);
        Assert.Equal(BackupModel, (await ReplyAsync(device, created.Id, "Fresh start?")).Usage!.Model);
    }

    [Fact]
    public async Task AFailingProfileOpensOnlyItsOwnCircuitWhileTheOtherKeepsAnswering()
    {
        await using var rig = await StartAsync();
        var (main, second, user) = (rig.Main, rig.Second, rig.User);
        second.DefaultReply = FakeReply.Status(503);
        var failing = await user.CreateConversationAsync();
        await PatchAsync(user, failing.Id, new RenameConversationRequest { ModelProfile = Backup });
        var working = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        // Each failed reply is up to three attempts (Llm:MaxRetries 2); the breaker opens after five failures.
        for (var i = 0; i < 5 && (await ModelHealthAsync(rig.Server)).GetProperty("models").GetProperty(Backup).GetString() != "Open"; i++)
        {
            var sent = await device.SendAsync(failing.Id, $"Are you there? {i}");
            await device.Events.WaitFor<ReplyFailed>(r => r.ReplyId == sent.ReplyId);
        }

        var health = await ModelHealthAsync(rig.Server);
        Assert.Equal("Open", health.GetProperty("models").GetProperty(Backup).GetString());
        Assert.Equal("Closed", health.GetProperty("models").GetProperty("default").GetString());
        Assert.Equal("Degraded", health.GetProperty("status").GetString());

        // The open circuit fails fast without calling its endpoint; the other profile answers as before.
        var attempts = second.Requests.Count;
        var refused = await device.SendAsync(failing.Id, "Still down?");
        await device.Events.WaitFor<ReplyFailed>(r => r.ReplyId == refused.ReplyId);
        Assert.Equal(attempts, second.Requests.Count);
        var answered = await ReplyAsync(device, working.Id, "Is the main one fine?");
        Assert.Equal("Hello from the fake model.", answered.Message);
        Assert.Single(main.Requests);
        Assert.Equal("Closed", (await ModelHealthAsync(rig.Server)).GetProperty("models").GetProperty("default").GetString());
    }

    [Fact]
    public async Task ARoleMayUseOnlyTheProfilesItListsAndOthersAreRefusedWithNothingWritten()
    {
        await using var rig = await StartAsync(new Dictionary<string, string> { ["Quotas:Free:Models:0"] = "default" }, withAdmin: true);
        var (second, admin) = (rig.Second, rig.User);
        var user = await rig.Server.CreateUserAsync();
        var other = await user.CreateConversationAsync(); // a built-in character's, on the default profile
        // The admin's role lists no profiles, so it may use them all.
        var character = await admin.CreateCharacterAsync(CharacterCalls.NewCharacter("Shared Captain", CharacterVisibility.Public));
        var conversation = await user.CreateConversationAsync(character.Id);

        var atCreate = await CreateConversationAsync(user, character.Id, Backup);
        var atPatch = await PatchAsync(user, conversation.Id, new RenameConversationRequest { ModelProfile = Backup });
        var unknown = await PatchAsync(user, conversation.Id, new RenameConversationRequest { ModelProfile = "nope" });
        using var http = user.Http();
        var ownCharacter = await http.PostAsJsonAsync(Routes.Characters, CharacterCalls.NewCharacter("Mine") with { ModelProfile = Backup }, Ct).Bounded();

        Assert.Equal(HttpStatusCode.BadRequest, atCreate.StatusCode);
        Assert.Contains("does not include the model profile 'backup'", (await atCreate.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.BadRequest, atPatch.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("no model profile named 'nope'", (await unknown.ProblemAsync()).Detail);
        Assert.Equal(HttpStatusCode.BadRequest, ownCharacter.StatusCode);
        var listed = (await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct).Bounded())!;
        Assert.Equal(2, listed.Length);
        Assert.All(listed, c => Assert.Null(c.ModelProfile));

        // The character moves to a profile the user's role may not use: the hub refuses, writes nothing, and stays usable.
        using var adminHttp = admin.Http();
        (await adminHttp.PutAsJsonAsync(Routes.Character(character.Id), CharacterCalls.NewCharacter("Shared Captain", CharacterVisibility.Public) with { ModelProfile = Backup }, Ct).Bounded())
            .EnsureSuccessStatusCode();
        await using var device = await user.ConnectAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "Hello?"));
        Assert.Contains("does not include the model profile 'backup'", error.Message);
        Assert.Empty(await user.MessagesAsync(conversation.Id));
        Assert.Empty(second.Requests);
        Assert.Equal(FakeOpenAiServer.Model, (await ReplyAsync(device, other.Id, "And here?")).Usage!.Model);
    }
}
