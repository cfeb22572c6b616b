using System.Security.Claims;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Accounts.Sessions;

/// <summary>The signed-in user's devices: <c>/api/me/sessions</c>. A session is a sign-in and its chain of refresh tokens.</summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.MySessions).WithTags("Accounts");
        group.MapGet("", ListAsync);
        group.MapDelete("/{id}", EndAsync);
        group.MapPost("/revoke-others", EndOthersAsync);
        return app;
    }

    private static async Task<Ok<SessionDto[]>> ListAsync(ClaimsPrincipal principal, SessionService sessions, CancellationToken ct)
    {
        var current = principal.SessionId();
        var live = await sessions.ListAsync(principal.UserId(), ct);
        return TypedResults.Ok(live.Select(token => new SessionDto
        {
            Id = token.FamilyId,
            Browser = DeviceNames.Browser(token.UserAgent),
            Os = DeviceNames.OperatingSystem(token.UserAgent),
            CreatedAt = token.SessionStartedAt ?? token.CreatedAt,
            LastUsedAt = token.CreatedAt,
            Current = token.FamilyId == current,
        }).ToArray());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndAsync(
        string id, ClaimsPrincipal principal, SessionService sessions, CancellationToken ct) =>
        Ids.IsValid(id) && await sessions.EndOneAsync(principal.UserId(), id, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound("You have no session with that id that is still on.");

    private static async Task<Ok<SessionsRevokedResponse>> EndOthersAsync(ClaimsPrincipal principal, SessionService sessions, CancellationToken ct) =>
        TypedResults.Ok(new SessionsRevokedResponse { Revoked = await sessions.EndOthersAsync(principal.UserId(), principal.SessionId(), ct) });
}
