using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

public sealed class CharacterApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFreshInstallationHasThreeDistinctBuiltInCharacters()
    {
        using var http = (await Server.CreateUserAsync()).Http();

        var characters = (await http.GetFromJsonAsync<CharacterDto[]>(Routes.Characters, Ct))!;

        var builtIn = characters.Where(c => c.Id.StartsWith("6740a1", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, builtIn.Count);
        Assert.Equal(3, builtIn.Select(c => c.Name).Distinct().Count());
        Assert.Equal(3, builtIn.Select(c => c.AiSettings.Temperature).Distinct().Count());
        Assert.All(builtIn, c =>
        {
            Assert.NotEmpty(c.Description);
            Assert.NotEmpty(c.Personality.Traits);
            Assert.NotEmpty(c.Personality.KnowledgeBase);
            Assert.InRange(c.AiSettings.MaxTokens, 100, 4096);
        });
        var one = await http.GetFromJsonAsync<CharacterDto>(Routes.Character(builtIn[0].Id), Ct);
        Assert.Equivalent(builtIn[0], one);
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("nope")]
    public async Task AnUnknownCharacterIsNotFound(string id)
    {
        using var http = (await Server.CreateUserAsync()).Http();

        var response = await http.GetAsync(Routes.Character(id), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task OnlyAdminsCreateUpdateAndDeleteCharacters()
    {
        using var free = (await Server.CreateUserAsync()).Http();
        var existing = (await free.GetFromJsonAsync<CharacterDto[]>(Routes.Characters, Ct))![0];

        Assert.Equal(HttpStatusCode.Forbidden, (await free.PostAsJsonAsync(Routes.Characters, NewCharacter("Nope"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await free.PutAsJsonAsync(Routes.Character(existing.Id), NewCharacter("Nope"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await free.DeleteAsync(Routes.Character(existing.Id), Ct)).StatusCode);
        Assert.Equivalent(existing, await free.GetFromJsonAsync<CharacterDto>(Routes.Character(existing.Id), Ct));
    }

    [Fact]
    public async Task AnAdminManagesCharacters()
    {
        var (server, user) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        using var admin = user.Http();

        var created = await admin.PostAsJsonAsync(Routes.Characters, NewCharacter("Captain Vega"), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var character = (await created.Content.ReadFromJsonAsync<CharacterDto>(Ct))!;
        Assert.Equal("Captain Vega", character.Name);

        var updated = await admin.PutAsJsonAsync(Routes.Character(character.Id), NewCharacter("Admiral Vega") with
        {
            AiSettings = new AiSettingsDto { Temperature = 1.1, MaxTokens = 321 },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var read = (await admin.GetFromJsonAsync<CharacterDto>(Routes.Character(character.Id), Ct))!;
        Assert.Equal(("Admiral Vega", 1.1, 321), (read.Name, read.AiSettings.Temperature, read.AiSettings.MaxTokens));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Routes.Character(character.Id), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(Routes.Character(character.Id), Ct)).StatusCode);
    }

    [Fact]
    public async Task RepliesFollowACharactersChangesAtOnce()
    {
        var (server, user) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        using var admin = user.Http();
        var created = await admin.PostAsJsonAsync(Routes.Characters, NewCharacter("Captain Vega"), Ct);
        var character = (await created.Content.ReadFromJsonAsync<CharacterDto>(Ct))!;
        var conversation = await user.CreateConversationAsync(character.Id);
        await using var device = await user.ConnectAsync();

        async Task<string> ReplyTextAsync(string text) =>
            (await device.Events.Completed((await device.SendAsync(conversation.Id, text)).ReplyId)).Message.Message;

        Assert.Contains("Captain Vega", await ReplyTextAsync("Who are you?"));
        (await admin.PutAsJsonAsync(Routes.Character(character.Id), NewCharacter("Admiral Vega"), Ct)).EnsureSuccessStatusCode();
        Assert.Contains("Admiral Vega", await ReplyTextAsync("And now?"));
        (await admin.DeleteAsync(Routes.Character(character.Id), Ct)).EnsureSuccessStatusCode();
        var sent = await device.SendAsync(conversation.Id, "Still there?");
        var failed = await device.Events.WaitFor<ReplyFailed>(f => f.ReplyId == sent.ReplyId);
        Assert.Equal("This character is no longer available.", failed.Error);
    }

    [Fact]
    public async Task AnInvalidCharacterIsRefusedWithAProblem()
    {
        var (server, user) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        using var admin = user.Http();

        var response = await admin.PostAsJsonAsync(Routes.Characters, NewCharacter("Too hot") with
        {
            AiSettings = new AiSettingsDto { Temperature = 7, MaxTokens = 100 },
        }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var names = (await admin.GetFromJsonAsync<CharacterDto[]>(Routes.Characters, Ct))!.Select(c => c.Name);
        Assert.DoesNotContain("Too hot", names);
    }

    private static CharacterRequest NewCharacter(string name) => new()
    {
        Name = name,
        Description = "A starship captain.",
        Personality = new PersonalityDto { Traits = ["brisk"], KnowledgeBase = ["navigation"] },
        AiSettings = new AiSettingsDto { Temperature = 0.5, MaxTokens = 200 },
    };
}
