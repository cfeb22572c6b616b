using System.Net.Http.Json;
using ChatHub.Contracts;

namespace ChatHub.Tests.Support;

/// <summary>The REST calls of the character tests, each bounded like every other await.</summary>
public static class CharacterCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static CharacterRequest NewCharacter(string name, string visibility = CharacterVisibility.Private) => new()
    {
        Name = name,
        Description = "A starship captain.",
        Personality = new PersonalityDto { Traits = ["brisk"], KnowledgeBase = ["navigation"] },
        AiSettings = new AiSettingsDto { Temperature = 0.5, MaxTokens = 200 },
        Visibility = visibility,
    };

    public static async Task<CharacterDto> CreateCharacterAsync(this TestUser user, CharacterRequest request)
    {
        using var http = user.Http();
        var response = await http.PostAsJsonAsync(Routes.Characters, request, Ct).Bounded();
        response.EnsureSuccessStatusCode();
        return await response.ReadAsync<CharacterDto>();
    }

    /// <summary>The catalogue's page and the next page's URL from its <c>Link</c> header, if any.</summary>
    public static Task<(CharacterDto[] Page, string? Next)> CatalogueAsync(this TestUser user, string url) => user.PageAsync<CharacterDto>(url);

    /// <summary>A page of a list paged by the <c>Link</c> header, and the next page's URL, if any.</summary>
    public static async Task<(T[] Page, string? Next)> PageAsync<T>(this TestUser user, string url)
    {
        using var http = user.Http();
        var response = await http.GetAsync(url, Ct).Bounded();
        response.EnsureSuccessStatusCode();
        var next = response.Headers.TryGetValues("Link", out var links) ? links.Single().Split('<', '>')[1] : null;
        return (await response.ReadAsync<T[]>(), next);
    }

    public static async Task<HttpResponseMessage> ImportAsync(this TestUser user, byte[] file, string fileName)
    {
        using var http = user.Http();
        using var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", fileName } };
        return await http.PostAsync(Routes.CharacterImport, form, Ct).Bounded();
    }
}
