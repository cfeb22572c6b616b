using System.Security.Claims;
using ChatHub.Characters.Avatars;
using ChatHub.Characters.Cards;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace ChatHub.Characters;

/// <summary>A character's avatar: uploaded by its owner, served to whoever may see the character.</summary>
public static class CharacterAvatarEndpoints
{
    public static IEndpointRouteBuilder MapCharacterAvatars(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.Characters).WithTags("Characters");
        group.MapPut("/{id}/avatar", PutAsync).DisableAntiforgery();
        group.MapGet("/{id}/avatar", GetAsync);
        return app;
    }

    private static async Task<Results<Ok<CharacterDto>, ProblemHttpResult>> PutAsync(
        string id, HttpRequest request, ClaimsPrincipal user, ICharacterStore store, CharacterCache cache, CancellationToken ct)
    {
        if (await store.FindVisibleAsync(id, user, ct) is not { } character) return CharacterEndpoints.NotFound();
        if (!user.CanEdit(character)) return CharacterEndpoints.NotYours();
        var (file, uploadProblem) = await Uploads.ReadAsync(request, CardFiles.MaxImageBytes, ct);
        if (file is null) return Problems.BadRequest(uploadProblem!);
        var (avatar, problem) = AvatarImages.Make(file);
        if (avatar is null) return Problems.BadRequest(problem!);
        if (!await store.SetAvatarAsync(id, avatar, ct)) return CharacterEndpoints.NotFound();
        cache.Forget(id);
        return TypedResults.Ok((character with { AvatarEtag = avatar.Etag }).ToDto());
    }

    /// <summary>
    /// Revalidated with its ETag (304 when unchanged). Private: the answer depends on who asks. The URL in
    /// <see cref="CharacterDto.Avatar"/> changes with the image, so a cached copy is never stale for long.
    /// </summary>
    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, ICharacterStore store, HttpContext http, CancellationToken ct)
    {
        if (await store.FindVisibleAsync(id, user, ct) is null || await store.GetAvatarAsync(id, ct) is not { } avatar)
        {
            return Problems.NotFound("The character has no avatar.");
        }
        var etag = new EntityTagHeaderValue($"\"{avatar.Etag}\"");
        http.Response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(avatar.Png, "image/png", entityTag: etag);
    }
}
