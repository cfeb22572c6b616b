using System.Security.Claims;
using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Characters;

public static class CharacterEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapCharacters(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.Characters).WithTags("Characters");
        group.MapGet("/", CatalogueAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id}", UpdateAsync);
        group.MapDelete("/{id}", DeleteAsync);
        app.MapCharacterModeration().MapCharacterCards().MapCharacterAvatars();
        return app;
    }

    /// <summary>The query string of the catalogue.</summary>
    public sealed record CatalogueRequest(string? Query, string? Tag, string? Sort, string? Cursor, int? Limit, bool? Mine);

    /// <summary>An array, as before there was paging; the next page's URL is in the <c>Link</c> header (rel="next").</summary>
    private static async Task<Results<Ok<CharacterDto[]>, ProblemHttpResult>> CatalogueAsync(
        [AsParameters] CatalogueRequest request, ClaimsPrincipal user, ICharacterStore store, HttpResponse response, CancellationToken ct)
    {
        if (request.Limit is < 1 or > MaxPageSize) return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        if (request.Sort is not (null or CatalogueSort.Popular or CatalogueSort.New)) return Problems.BadRequest("sort must be popular or new.");
        if (request.Query?.Length > 200 || request.Tag?.Length > CharacterValidation.MaxTagChars) return Problems.BadRequest("The query or the tag is too long.");
        CatalogueCursor? after = null;
        if (request.Cursor is not null && (after = CatalogueCursors.Read(request.Cursor)) is null) return Problems.BadRequest("The cursor is not one this catalogue gave.");
        var words = SearchWords.Of(request.Query);
        if (words.Count > SearchWords.MaxWords) return Problems.BadRequest($"Search for at most {SearchWords.MaxWords} words.");

        var popular = request.Sort != CatalogueSort.New;
        var page = await store.SearchAsync(new CatalogueQuery(
            user.UserId(), words, string.IsNullOrWhiteSpace(request.Tag) ? null : request.Tag.Trim(), popular, after,
            request.Limit ?? DefaultPageSize, request.Mine is true), ct);
        if (page.Next is { } next)
        {
            var url = Routes.Catalogue(request.Query, request.Tag, popular ? CatalogueSort.Popular : CatalogueSort.New,
                CatalogueCursors.Write(next), request.Limit, request.Mine);
            response.Headers.Link = $"<{url}>; rel=\"next\"";
        }
        return TypedResults.Ok(page.Characters.Select(c => c.ToDto()).ToArray());
    }

    private static async Task<Results<Ok<CharacterDto>, ProblemHttpResult>> GetAsync(string id, ClaimsPrincipal user, ICharacterStore store, CancellationToken ct) =>
        await store.FindVisibleAsync(id, user, ct) is { } character ? TypedResults.Ok(character.ToDto()) : NotFound();

    private static async Task<Results<Created<CharacterDto>, ProblemHttpResult>> CreateAsync(
        CharacterRequest request, ClaimsPrincipal user, ICharacterStore store, IQuotaService quotas, ModelChoice models, TimeProvider clock, CancellationToken ct)
    {
        if ((CharacterValidation.Check(request) ?? models.Check(user, request.ModelProfile)) is { } error) return Problems.BadRequest(error);
        if (await QuotaProblemAsync(user, store, quotas, ct) is { } refused) return refused;
        var character = request.ToCharacter(Ids.New(), user.UserId(), clock.UtcNowMs());
        await store.TryCreateAsync(character, ct);
        return TypedResults.Created(Routes.Character(character.Id), character.ToDto());
    }

    private static async Task<Results<Ok<CharacterDto>, ProblemHttpResult>> UpdateAsync(
        string id, CharacterRequest request, ClaimsPrincipal user, ICharacterStore store, CharacterCache cache, ModelChoice models, TimeProvider clock, CancellationToken ct)
    {
        if (await store.FindVisibleAsync(id, user, ct) is not { } existing) return NotFound();
        if (!user.CanEdit(existing)) return NotYours();
        if ((CharacterValidation.Check(request) ?? models.Check(user, request.ModelProfile)) is { } error) return Problems.BadRequest(error);
        var updated = request.ApplyTo(existing, clock.UtcNowMs());
        var changed = await store.UpdateAsync(updated, ct);
        cache.Forget(id);
        return changed ? TypedResults.Ok(updated.ToDto()) : NotFound();
    }

    /// <summary>Marks it deleted: its conversations keep the last version, and no new ones start.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, ICharacterStore store, CharacterCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (await store.FindVisibleAsync(id, user, ct) is not { } existing) return NotFound();
        if (!user.CanEdit(existing)) return NotYours();
        if (!await store.DeleteAsync(id, clock.UtcNowMs(), ct)) return NotFound();
        cache.Forget(id);
        return TypedResults.NoContent();
    }

    /// <summary>The character if the caller may see it, else null: others' private characters look like missing ones.</summary>
    public static async Task<Character?> FindVisibleAsync(this ICharacterStore store, string id, ClaimsPrincipal user, CancellationToken ct) =>
        Ids.IsValid(id) && await store.GetAsync(id, ct) is { } character && user.CanSee(character) ? character : null;

    /// <summary>Counted, then created: requests racing past the count can exceed it by a few.</summary>
    public static async Task<ProblemHttpResult?> QuotaProblemAsync(ClaimsPrincipal user, ICharacterStore store, IQuotaService quotas, CancellationToken ct) =>
        quotas.CharactersFor(user) is { } max && await store.CountOwnedAsync(user.UserId(), ct) >= max
            ? Problems.Forbidden($"Your plan allows {max} characters. Delete one to make another.")
            : null;

    public static ProblemHttpResult NotFound() => Problems.NotFound("There is no character with that id.");

    public static ProblemHttpResult NotYours() => Problems.Forbidden("Only the character's owner may change it.");
}
