using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using SkiaSharp;
using static ChatHub.Tests.Cards.TestImages;

namespace ChatHub.Tests.Cards;

public sealed class AvatarApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SKEncodedImageFormat.Png, 1200, 700, 512)]
    [InlineData(SKEncodedImageFormat.Jpeg, 300, 900, 300)]
    [InlineData(SKEncodedImageFormat.Webp, 640, 640, 512)]
    public async Task AnAvatarIsStoredAsASquarePngOfAtMost512PixelsWithNoMetadata(SKEncodedImageFormat format, int width, int height, int side)
    {
        var owner = await Server.CreateUserAsync();
        var character = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter("Face"));
        var upload = Encode(width, height, format);
        if (format == SKEncodedImageFormat.Png) upload = WithText(upload, ("GPS", "51.5072 N, 0.1276 W"), ("Author", "someone"));
        using var http = owner.Http();

        var put = await http.PutAsync(Routes.CharacterAvatar(character.Id), Content(upload, format == SKEncodedImageFormat.Png ? "image/png" : "image/other"), Ct);
        var dto = await put.ReadAsync<CharacterDto>();
        var get = await http.GetAsync(dto.Avatar, Ct);
        var stored = await get.Content.ReadAsByteArrayAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal((side, side, SKEncodedImageFormat.Png), Decode(stored));
        Assert.Empty(Chunks(stored).Texts);
        Assert.DoesNotContain("eXIf", Chunks(stored).Types);
        Assert.Equal(dto.Avatar, (await http.GetFromJsonAsync<CharacterDto>(Routes.Character(character.Id), Ct))!.Avatar);
    }

    [Fact]
    public async Task AnAvatarIsServedWithAnEtagAndNotSentAgainWhileItIsUnchanged()
    {
        var owner = await Server.CreateUserAsync();
        var character = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter("Face"));
        using var http = owner.Http();
        (await http.PutAsync(Routes.CharacterAvatar(character.Id), Content(Encode(100, 100), "image/png"), Ct)).EnsureSuccessStatusCode();

        var first = await http.GetAsync(Routes.CharacterAvatar(character.Id), Ct);
        using var again = new HttpRequestMessage(HttpMethod.Get, Routes.CharacterAvatar(character.Id));
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var second = await http.SendAsync(again, Ct);
        (await http.PutAsync(Routes.CharacterAvatar(character.Id), Content(Encode(100, 90), "image/png"), Ct)).EnsureSuccessStatusCode();
        using var afterChange = new HttpRequestMessage(HttpMethod.Get, Routes.CharacterAvatar(character.Id));
        afterChange.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var third = await http.SendAsync(afterChange, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotNull(first.Headers.CacheControl?.MaxAge);
        Assert.True(first.Headers.CacheControl!.Private);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.NotEqual(first.Headers.ETag, third.Headers.ETag);
    }

    public static TheoryData<string, byte[], string> BadImages() => new()
    {
        { "gif", Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="), "PNG, JPEG or WebP" },
        { "text", "<svg xmlns='http://www.w3.org/2000/svg'/>"u8.ToArray(), "not an image" },
        { "pixel bomb", Claiming(30_000, 30_000), "million pixels" },
        { "too large", new byte[2 * 1024 * 1024 + 1], "larger than 2 MB" },
    };

    [Theory]
    [MemberData(nameof(BadImages))]
    public async Task AFileThatIsNotAnAcceptableImageIsRefusedAndTheAvatarStaysAsItWas(string kind, byte[] file, string expected)
    {
        var owner = await Server.CreateUserAsync();
        var character = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter(kind));
        using var http = owner.Http();

        var response = await http.PutAsync(Routes.CharacterAvatar(character.Id), Content(file, "application/octet-stream"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await response.ProblemAsync()).Detail);
        Assert.Null((await http.GetFromJsonAsync<CharacterDto>(Routes.Character(character.Id), Ct))!.Avatar);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Routes.CharacterAvatar(character.Id), Ct)).StatusCode);
    }

    [Fact]
    public async Task OnlyTheOwnerSetsTheAvatarAndOthersPrivateAvatarsLookMissing()
    {
        var owner = await Server.CreateUserAsync();
        var secret = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter("Secret"));
        var open = await owner.CreateCharacterAsync(CharacterCalls.NewCharacter("Open", CharacterVisibility.Public));
        using var mine = owner.Http();
        (await mine.PutAsync(Routes.CharacterAvatar(secret.Id), Content(Encode(50, 50), "image/png"), Ct)).EnsureSuccessStatusCode();
        using var other = (await Server.CreateUserAsync()).Http();

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(Routes.CharacterAvatar(secret.Id), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsync(Routes.CharacterAvatar(secret.Id), Content(Encode(50, 50), "image/png"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PutAsync(Routes.CharacterAvatar(open.Id), Content(Encode(50, 50), "image/png"), Ct)).StatusCode);
    }

    private static ByteArrayContent Content(byte[] bytes, string type)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }
}
