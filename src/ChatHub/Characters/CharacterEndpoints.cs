using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Characters;

public static class CharacterEndpoints
{
    public static IEndpointRouteBuilder MapCharacters(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.Characters).WithTags("Characters");
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);

        var admin = group.MapGroup("").RequireAuthorization(AccountsExtensions.AdminPolicy);
        admin.MapPost("/", CreateAsync);
        admin.MapPut("/{id}", UpdateAsync);
        admin.MapDelete("/{id}", DeleteAsync);
        return app;
    }

    private static async Task<Ok<CharacterDto[]>> ListAsync(ICharacterStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(c => c.ToDto()).ToArray());

    private static async Task<Results<Ok<CharacterDto>, ProblemHttpResult>> GetAsync(string id, ICharacterStore store, CancellationToken ct) =>
        Ids.IsValid(id) && await store.GetAsync(id, ct) is { } character ? TypedResults.Ok(character.ToDto()) : NotFound();

    private static async Task<Results<Created<CharacterDto>, ProblemHttpResult>> CreateAsync(
        CharacterRequest request, ICharacterStore store, TimeProvider clock, CancellationToken ct)
    {
        if (CharacterValidation.Check(request) is { } error) return Problems.BadRequest(error);
        var now = clock.UtcNowMs();
        var character = request.ToCharacter(Ids.New(), now, now);
        await store.TryCreateAsync(character, ct);
        return TypedResults.Created(Routes.Character(character.Id), character.ToDto());
    }

    private static async Task<Results<Ok<CharacterDto>, ProblemHttpResult>> UpdateAsync(
        string id, CharacterRequest request, ICharacterStore store, CharacterCache cache, TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || await store.GetAsync(id, ct) is not { } existing) return NotFound();
        if (CharacterValidation.Check(request) is { } error) return Problems.BadRequest(error);
        var updated = request.ToCharacter(id, existing.CreatedAt, clock.UtcNowMs());
        var changed = await store.UpdateAsync(updated, ct);
        cache.Forget(id);
        return changed ? TypedResults.Ok(updated.ToDto()) : NotFound();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, ICharacterStore store, CharacterCache cache, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || !await store.DeleteAsync(id, ct)) return NotFound();
        cache.Forget(id);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound() => Problems.NotFound("There is no character with that id.");
}
