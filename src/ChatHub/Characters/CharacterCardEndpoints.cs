using System.Security.Claims;
using System.Text;
using ChatHub.Accounts;
using ChatHub.Characters.Avatars;
using ChatHub.Characters.Cards;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Characters;

/// <summary>Character cards in (PNG, JSON, .charx) and out (V2 JSON, or a PNG with V2 and V3 chunks).</summary>
public static class CharacterCardEndpoints
{
    public static IEndpointRouteBuilder MapCharacterCards(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.Characters).WithTags("Characters");
        // Signed in by bearer token, never by cookie: a form posted from another site carries no token.
        group.MapPost("/import", ImportAsync).DisableAntiforgery();
        group.MapGet("/{id}/export", ExportAsync);
        return app;
    }

    private static async Task<Results<Created<CharacterDto>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, ClaimsPrincipal user, ICharacterStore store, IQuotaService quotas, TimeProvider clock, CancellationToken ct)
    {
        var (file, uploadProblem) = await Uploads.ReadAsync(request, CardFiles.MaxFileBytes, ct);
        if (file is null) return Problems.BadRequest(uploadProblem!);
        var (card, problem) = CardFiles.Read(file);
        if (card is null) return Problems.BadRequest(problem!);
        if (CharacterValidation.Check(card.Request) is { } invalid) return Problems.BadRequest($"The card cannot be imported: {invalid}");
        Avatar? avatar = null;
        if (card.Image is { } image)
        {
            (avatar, var imageProblem) = AvatarImages.Make(image);
            if (avatar is null) return Problems.BadRequest($"The card's image cannot be used: {imageProblem}");
        }
        if (await CharacterEndpoints.QuotaProblemAsync(user, store, quotas, ct) is { } refused) return refused;

        var made = card.Request.ToCharacter(Ids.New(), user.UserId(), clock.UtcNowMs());
        var character = made with { Card = made.Card with { OtherCardFields = card.OtherCardFields } };
        await store.TryCreateAsync(character, ct);
        if (avatar is not null)
        {
            await store.SetAvatarAsync(character.Id, avatar, ct);
            character = character with { AvatarEtag = avatar.Etag };
        }
        return TypedResults.Created(Routes.Character(character.Id), character.ToDto());
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string id, string? format, ClaimsPrincipal user, ICharacterStore store, CancellationToken ct)
    {
        if (await store.FindVisibleAsync(id, user, ct) is not { } character) return CharacterEndpoints.NotFound();
        var name = DownloadNames.Of(character.Name, "character");
        switch (format ?? "json")
        {
            case "json":
                var json = CardWriter.Card(character, CardFormat.SpecV2).ToJsonString();
                return TypedResults.File(Encoding.UTF8.GetBytes(json), "application/json", $"{name}.json");
            case "png":
                var avatar = character.AvatarEtag is null ? null : await store.GetAvatarAsync(id, ct);
                return TypedResults.File(CardWriter.Png(character, avatar?.Png), "image/png", $"{name}.png");
            default:
                return Problems.BadRequest("format must be png or json.");
        }
    }
}
