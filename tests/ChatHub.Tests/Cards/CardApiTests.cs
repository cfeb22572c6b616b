using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using SkiaSharp;
using static ChatHub.Tests.Cards.TestImages;

namespace ChatHub.Tests.Cards;

public sealed class CardApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AV2PngCardWithALorebookAndUnknownExtensionsComesBackOutWithEveryField()
    {
        var user = await Server.CreateUserAsync();
        var card = TestCards.V2("Mara Quill");
        var png = WithText(Encode(600, 400), ("chara", Base64Json(card.ToJsonString())));

        var imported = await ImportedAsync(user, png, "mara.png");
        var json = await ExportAsync(user, imported.Id, "json");
        var exportedPng = await ExportBytesAsync(user, imported.Id, "png");

        Assert.Equal((CharacterVisibility.Private, user.Id), (imported.Visibility, imported.OwnerId));
        Assert.NotNull(imported.Avatar);
        Assert.Equal("*{{char}} tips her hat.* Cargo or passenger?", imported.Greeting);
        Assert.Equal(3, imported.Lorebook!["entries"]!.AsArray().Count);
        AssertSameData(card, json);
        var (types, texts) = Chunks(exportedPng);
        Assert.Equal("IEND", types[^1]);
        AssertSameData(card, JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(texts["chara"])))!.AsObject());
        var v3 = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(texts["ccv3"])))!.AsObject();
        Assert.Equal(("chara_card_v3", "3.0"), ((string?)v3["spec"], (string?)v3["spec_version"]));
        AssertSameData(card, v3, extraV3: true);
        Assert.Equal((400, 400, SKEncodedImageFormat.Png), Decode(exportedPng));
    }

    [Fact]
    public async Task AnExportedCardImportsAgainAsTheSameCharacter()
    {
        var user = await Server.CreateUserAsync();
        var original = await user.CreateCharacterAsync(CharacterCalls.NewCharacter("Vega") with
        {
            Personality = new PersonalityDto { Traits = ["brisk", "fair"], KnowledgeBase = ["navigation", "stars"] },
            AiSettings = new AiSettingsDto { Temperature = 1.1, MaxTokens = 321 },
            Lorebook = new JsonObject { ["entries"] = new JsonArray(new JsonObject { ["keys"] = new JsonArray("warp"), ["content"] = "Warp is slow." }) },
            Tags = ["space"],
        });

        var again = await ImportedAsync(user, await ExportBytesAsync(user, original.Id, "png"), "vega.png");

        Assert.Equal(original.Lorebook!.ToJsonString(), again.Lorebook?.ToJsonString());
        Assert.Equal(original.Extensions.ToJsonString(), again.Extensions.ToJsonString());
        Assert.Equivalent(
            original with { Id = again.Id, CreatedAt = again.CreatedAt, UpdatedAt = again.UpdatedAt, Avatar = again.Avatar, Lorebook = null, Extensions = [] },
            again with { Lorebook = null, Extensions = [] }, strict: true);
    }

    [Fact]
    public async Task APngsCcv3ChunkIsPreferredOverItsCharaChunk()
    {
        var user = await Server.CreateUserAsync();
        var png = WithText(Encode(64, 64), ("chara", Base64Json(TestCards.V2("Old Name").ToJsonString())), ("ccv3", Base64Json(TestCards.V3("New Name").ToJsonString())));

        Assert.Equal("New Name", (await ImportedAsync(user, png, "card.png")).Name);
    }

    [Fact]
    public async Task AV3JsonCardKeepsItsV3FieldsThroughAnExport()
    {
        var user = await Server.CreateUserAsync();
        var card = TestCards.V3("Keeper");

        var imported = await ImportedAsync(user, Encoding.UTF8.GetBytes(card.ToJsonString()), "keeper.json");
        var v3 = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(Chunks(await ExportBytesAsync(user, imported.Id, "png")).Texts["ccv3"])))!.AsObject();

        Assert.Null(imported.Avatar);
        AssertSameData(card, v3);
    }

    [Fact]
    public async Task AV1CardsFlatFieldsAreRead()
    {
        var user = await Server.CreateUserAsync();

        var imported = await ImportedAsync(user, Encoding.UTF8.GetBytes(TestCards.V1("Old Salt")), "old.json");

        Assert.Equal(("Old Salt", "An old sailor.", "A tavern.", "Arr.", "<START>\n{{char}}: Arr."),
            (imported.Name, imported.Description, imported.Scenario, imported.Greeting, imported.ExampleDialogue));
        Assert.Equal(["gruff"], imported.Personality.Traits);
    }

    [Fact]
    public async Task ACharxCardIsReadWithItsIconAsTheAvatar()
    {
        var user = await Server.CreateUserAsync();

        var imported = await ImportedAsync(user, TestCards.Charx(TestCards.V3("Zipped"), icon: Encode(300, 300, SKEncodedImageFormat.Jpeg)), "zipped.charx");

        Assert.Equal("Zipped", imported.Name);
        Assert.NotNull(imported.Avatar);
    }

    public static TheoryData<string, byte[], string> HostileFiles() => new()
    {
        { "text", "just some words"u8.ToArray(), "must be a PNG card, a JSON card or a .charx" },
        { "plain png", Encode(32, 32), "carries no character card" },
        { "cut png", WithText(Encode(32, 32), ("chara", Base64Json(TestCards.V1("Cut"))))[..60], "damaged" },
        { "no image", [.. Encode(1, 1)[..33], .. Chunk("tEXt", Encoding.Latin1.GetBytes($"chara\0{Base64Json(TestCards.V1("Fake"))}")), .. Chunk("IDAT", [1, 2, 3, 4]), .. Chunk("IEND", [])], "image" },
        { "not base64", WithText(Encode(32, 32), ("chara", "%%% not base64 %%%")), "not base64" },
        { "bad json", "{\"name\": \"Broken\""u8.ToArray(), "not valid JSON" },
        { "deep json", Encoding.UTF8.GetBytes(new string('[', 5000)), "must be a PNG card, a JSON card or a .charx" },
        { "deep object", Encoding.UTF8.GetBytes("{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201)), "not valid JSON" },
        { "unknown spec", Encoding.UTF8.GetBytes("{\"spec\":\"chara_card_v9\",\"data\":{}}"), "not supported" },
        { "wrong type", Encoding.UTF8.GetBytes("{\"spec\":\"chara_card_v2\",\"data\":{\"name\":\"X\",\"tags\":\"not a list\"}}"), "wrong type" },
        { "no name", Encoding.UTF8.GetBytes("{\"spec\":\"chara_card_v2\",\"data\":{\"description\":\"Nameless\"}}"), "The name must have" },
        { "zip bomb", TestCards.ZipBomb(50 << 20), "larger than 5 MB once unpacked" },
        { "zip without card", TestCards.ZipOf("readme.txt", "Not a card."u8.ToArray()), "no card.json" },
        { "too large", [.. "{\"name\":\"Huge\",\"description\":\""u8.ToArray(), .. Enumerable.Repeat((byte)'a', 5 * 1024 * 1024), .. "\"}"u8.ToArray()], "larger than 5 MB" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public async Task AHostileOrBrokenFileIsRefusedSayingWhyAndNothingIsStored(string kind, byte[] file, string expected)
    {
        var user = await Server.CreateUserAsync();

        var response = await user.ImportAsync(file, $"{kind}.bin");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.ProblemAsync()).Detail);
        Assert.Empty((await user.CatalogueAsync(Routes.Catalogue(mine: true))).Page);
    }

    [Fact]
    public async Task OthersPrivateCharactersCannotBeExported()
    {
        var owner = await Server.CreateUserAsync();
        var character = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter("Secret"));
        using var http = (await Server.CreateUserAsync()).Http();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Routes.CharacterExport(character.Id, "png"), Ct)).StatusCode);
    }

    /// <summary>Every field of the original card's data is in the exported one, as it was; extensions and lorebook included.</summary>
    private static void AssertSameData(JsonObject original, JsonObject exported, bool extraV3 = false)
    {
        var (want, got) = (original["data"]!.AsObject(), exported["data"]!.AsObject());
        foreach (var (name, value) in want)
        {
            Assert.True(JsonNode.DeepEquals(value, got[name]), $"{name}: {value?.ToJsonString()} != {got[name]?.ToJsonString()}");
        }
        var added = got.Select(p => p.Key).Except(want.Select(p => p.Key)).ToList();
        Assert.Equal(extraV3 ? ["group_only_greetings"] : [], added);
    }

    private static async Task<CharacterDto> ImportedAsync(TestUser user, byte[] file, string name)
    {
        var response = await user.ImportAsync(file, name);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return await response.ReadAsync<CharacterDto>();
    }

    private static async Task<JsonObject> ExportAsync(TestUser user, string id, string format) =>
        JsonNode.Parse(await ExportBytesAsync(user, id, format))!.AsObject();

    private static async Task<byte[]> ExportBytesAsync(TestUser user, string id, string format)
    {
        using var http = user.Http();
        var response = await http.GetAsync(Routes.CharacterExport(id, format), Ct).Bounded();
        response.EnsureSuccessStatusCode();
        Assert.Equal(format == "png" ? "image/png" : "application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }
}
