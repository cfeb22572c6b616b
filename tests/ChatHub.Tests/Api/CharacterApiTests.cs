using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Tests.Support;
using System.Text.Json.Nodes;
using static ChatHub.Tests.Support.CharacterCalls;

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
    public async Task AnyUserManagesTheirOwnCharactersAndOthersPrivateOnesLookMissing()
    {
        var owner = await Server.CreateUserAsync();
        using var other = (await Server.CreateUserAsync()).Http();
        var character = await owner.CreateCharacterAsync(NewCharacter("Captain Vega"));
        Assert.Equal((CharacterVisibility.Private, owner.Id), (character.Visibility, character.OwnerId));

        var missing = await other.GetAsync(Routes.Character(Ids.New()), Ct);
        foreach (var response in new[]
        {
            await other.GetAsync(Routes.Character(character.Id), Ct),
            await other.PutAsJsonAsync(Routes.Character(character.Id), NewCharacter("Nope"), Ct),
            await other.DeleteAsync(Routes.Character(character.Id), Ct),
            await other.GetAsync(Routes.CharacterExport(character.Id, "json"), Ct),
            await other.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = character.Id }, Ct),
        })
        {
            Assert.Equal(response.StatusCode == HttpStatusCode.BadRequest ? HttpStatusCode.BadRequest : missing.StatusCode, response.StatusCode);
            Assert.Contains("no character with that id", (await response.ProblemAsync()).Detail);
        }

        using var http = owner.Http();
        var updated = await http.PutAsJsonAsync(Routes.Character(character.Id), NewCharacter("Admiral Vega", CharacterVisibility.Public), Ct);
        Assert.Equal("Admiral Vega", (await updated.ReadAsync<CharacterDto>()).Name);
        Assert.Equal("Admiral Vega", (await other.GetFromJsonAsync<CharacterDto>(Routes.Character(character.Id), Ct))!.Name);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsJsonAsync(Routes.Character(character.Id), NewCharacter("Nope"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DeleteAsync(Routes.Character(character.Id), Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(Routes.Character(character.Id), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Routes.Character(character.Id), Ct)).StatusCode);
    }

    [Fact]
    public async Task AnUnlistedCharacterIsReachedByItsIdButNotListed()
    {
        var owner = await Server.CreateUserAsync();
        var other = await Server.CreateUserAsync();
        var tag = $"t{Guid.NewGuid():N}"[..12];
        var character = await owner.CreateCharacterAsync(NewCharacter("Ghost", CharacterVisibility.Unlisted) with { Tags = [tag] });

        using var http = other.Http();
        Assert.Equal("Ghost", (await http.GetFromJsonAsync<CharacterDto>(Routes.Character(character.Id), Ct))!.Name);
        Assert.Empty((await other.CatalogueAsync(Routes.Catalogue(tag: tag))).Page);
        Assert.Single((await owner.CatalogueAsync(Routes.Catalogue(tag: tag))).Page);
        await other.CreateConversationAsync(character.Id);
    }

    [Fact]
    public async Task AnAdminEditsAndDeletesAnyonesCharacter()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var owner = await server.CreateUserAsync();
        var character = await owner.CreateCharacterAsync(NewCharacter("Captain Vega"));
        using var http = admin.Http();

        var updated = await http.PutAsJsonAsync(Routes.Character(character.Id), NewCharacter("Renamed by an admin"), Ct);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(owner.Id, (await updated.ReadAsync<CharacterDto>()).OwnerId);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(Routes.Character(character.Id), Ct)).StatusCode);
    }

    [Fact]
    public async Task AnEditorThatLeavesOutTheCardsFieldsKeepsThem()
    {
        var owner = await Server.CreateUserAsync();
        var extensions = new JsonObject { ["depth_prompt"] = new JsonObject { ["prompt"] = "Stay in 1890.", ["depth"] = 4 }, ["x-unknown"] = new JsonArray(1, "two") };
        var character = await owner.CreateCharacterAsync(NewCharacter("Vega") with { Scenario = "On the bridge.", Extensions = extensions, Tags = ["space"] });
        using var http = owner.Http();

        // The request as a client from before the card fields sends it.
        var response = await http.PutAsJsonAsync(Routes.Character(character.Id), new
        {
            name = "Vega II", description = "A captain.", personality = new { traits = new[] { "calm" }, knowledgeBase = Array.Empty<string>() },
            aiSettings = new { temperature = 0.4, maxTokens = 100 },
        }, Ct);

        var read = await response.ReadAsync<CharacterDto>();
        Assert.Equal(("Vega II", "On the bridge.", CharacterVisibility.Private), (read.Name, read.Scenario, read.Visibility));
        Assert.Equal(["space"], read.Tags);
        Assert.Equal(extensions.ToJsonString(), read.Extensions.ToJsonString());
    }

    [Fact]
    public async Task ALorebookOfTheWrongShapeIsRefusedSayingWhere()
    {
        var owner = await Server.CreateUserAsync();
        using var http = owner.Http();
        var book = new JsonObject { ["entries"] = new JsonArray(new JsonObject { ["keys"] = "not a list", ["content"] = "x" }) };

        var response = await http.PostAsJsonAsync(Routes.Characters, NewCharacter("Booked") with { Lorebook = book }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Lorebook entry 1: keys must be a list of text.", (await response.ProblemAsync()).Detail);
        Assert.Empty((await owner.CatalogueAsync(Routes.Catalogue(mine: true))).Page);
    }

    [Fact]
    public async Task ARolesQuotaLimitsTheCharactersAUserOwnsAndADeletedOneFreesItsPlace()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Quotas:Free:Characters"] = "2" });
        var user = await server.CreateUserAsync();
        var first = await user.CreateCharacterAsync(NewCharacter("One"));
        await user.CreateCharacterAsync(NewCharacter("Two"));
        using var http = user.Http();

        var refused = await http.PostAsJsonAsync(Routes.Characters, NewCharacter("Three"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("Your plan allows 2 characters. Delete one to make another.", (await refused.ProblemAsync()).Detail);

        (await http.DeleteAsync(Routes.Character(first.Id), Ct)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync(Routes.Characters, NewCharacter("Three"), Ct)).StatusCode);
    }

    [Fact]
    public async Task TheCatalogueSearchesFiltersByTagAndPagesNewestFirst()
    {
        var owner = await Server.CreateUserAsync();
        var viewer = await Server.CreateUserAsync();
        var tag = $"t{Guid.NewGuid():N}"[..12];
        var word = $"w{Guid.NewGuid():N}"[..12];
        var created = new List<CharacterDto>();
        for (var i = 0; i < 3; i++) created.Add(await owner.CreateCharacterAsync(NewCharacter($"Pilot {i}", CharacterVisibility.Public) with { Tags = [tag] }));
        var found = await owner.CreateCharacterAsync(NewCharacter($"Navigator {word}", CharacterVisibility.Public));
        await owner.CreateCharacterAsync(NewCharacter($"Private {word}") with { Tags = [tag] });

        var first = await viewer.CatalogueAsync(Routes.Catalogue(tag: tag.ToUpperInvariant(), sort: CatalogueSort.New, limit: 2));
        var second = await viewer.CatalogueAsync(first.Next!);
        var search = await viewer.CatalogueAsync(Routes.Catalogue(query: $"navigator {word.ToUpperInvariant()}"));

        Assert.Equal([created[2].Id, created[1].Id], first.Page.Select(c => c.Id));
        Assert.Equal([created[0].Id], second.Page.Select(c => c.Id));
        Assert.Null(second.Next);
        Assert.Equal([found.Id], search.Page.Select(c => c.Id));
    }

    [Theory]
    [InlineData("?sort=best")]
    [InlineData("?limit=0")]
    [InlineData("?cursor=bm90LWEtY3Vyc29y")]
    public async Task ABadCatalogueQueryIsAProblem(string query)
    {
        using var http = (await Server.CreateUserAsync()).Http();

        var response = await http.GetAsync(Routes.Characters + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await response.ProblemAsync()).Detail!);
    }

    [Fact]
    public async Task StartingAConversationCountsTowardsPopularity()
    {
        var owner = await Server.CreateUserAsync();
        var tag = $"t{Guid.NewGuid():N}"[..12];
        var quiet = await owner.CreateCharacterAsync(NewCharacter("Quiet", CharacterVisibility.Public) with { Tags = [tag] });
        var popular = await owner.CreateCharacterAsync(NewCharacter("Popular", CharacterVisibility.Public) with { Tags = [tag] });
        var fan = await Server.CreateUserAsync();

        await fan.CreateConversationAsync(popular.Id);
        await fan.CreateConversationAsync(popular.Id);

        var page = (await fan.CatalogueAsync(Routes.Catalogue(tag: tag, sort: CatalogueSort.Popular))).Page;
        Assert.Equal([(popular.Id, 2L), (quiet.Id, 0L)], page.Select(c => (c.Id, c.ConversationsStarted)));
    }

    [Fact]
    public async Task RepliesFollowACharactersChangesAtOnceAndOutliveItsDeletion()
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
        // Deleted: the conversation goes on with the last version, and no new one starts.
        Assert.Contains("Admiral Vega", await ReplyTextAsync("Still there?"));
        var refused = await admin.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = character.Id }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
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

}
