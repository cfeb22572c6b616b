using System.Security.Claims;
using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Characters;

/// <summary>Users report characters; admins read the reports and hide or unhide a character.</summary>
public static class CharacterModerationEndpoints
{
    public const int MaxReasonChars = 1000;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapCharacterModeration(this IEndpointRouteBuilder app)
    {
        app.MapPost($"{Routes.Characters}/{{id}}/report", ReportAsync).WithTags("Characters");
        var admin = app.MapGroup("/api/admin").WithTags("Characters").RequireAuthorization(AccountsExtensions.AdminPolicy);
        admin.MapGet("/character-reports", ListReportsAsync);
        admin.MapPost("/characters/{id}/hide", (string id, ICharacterStore store, CharacterCache cache, CancellationToken ct) => SetHiddenAsync(id, true, store, cache, ct));
        admin.MapPost("/characters/{id}/unhide", (string id, ICharacterStore store, CharacterCache cache, CancellationToken ct) => SetHiddenAsync(id, false, store, cache, ct));
        return app;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ReportAsync(
        string id, ReportCharacterRequest request, ClaimsPrincipal user, ICharacterStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await store.FindVisibleAsync(id, user, ct) is null) return CharacterEndpoints.NotFound();
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > MaxReasonChars) return Problems.BadRequest($"Say why in 1 to {MaxReasonChars} characters.");
        await store.AddReportAsync(new CharacterReport(Ids.New(), id, user.UserId(), reason, clock.UtcNowMs()), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<CharacterReportPage>, ProblemHttpResult>> ListReportsAsync(
        int? limit, string? before, ICharacterStore store, CancellationToken ct)
    {
        if (limit is < 1 or > MaxPageSize) return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        if (before is not null && !Ids.IsValid(before)) return Problems.BadRequest("before must be the id of a report.");
        var size = limit ?? DefaultPageSize;
        var reports = await store.ListReportsAsync(size + 1, before, ct);
        return TypedResults.Ok(new CharacterReportPage
        {
            Reports = reports.Take(size).Select(r => new CharacterReportDto
            {
                Id = r.Id, CharacterId = r.CharacterId, ReporterId = r.ReporterId, Reason = r.Reason, CreatedAt = r.CreatedAt,
            }).ToArray(),
            HasMore = reports.Count > size,
        });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetHiddenAsync(string id, bool hidden, ICharacterStore store, CharacterCache cache, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || !await store.SetHiddenAsync(id, hidden, ct)) return CharacterEndpoints.NotFound();
        cache.Forget(id);
        return TypedResults.NoContent();
    }
}
