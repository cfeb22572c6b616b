using ChatHub.Accounts.Sessions;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Accounts.Admin;

/// <summary>Account administration, for admins only: <c>/api/admin/users</c>.</summary>
public static class AdminEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxQueryChars = 100;

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.AdminUsers).WithTags("Admin").RequireAuthorization(AccountsExtensions.AdminPolicy);
        group.MapGet("", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}/role", SetRoleAsync);
        return app;
    }

    private static async Task<Results<Ok<UserPage>, ProblemHttpResult>> ListAsync(
        int? limit, string? after, string? query, IUserStore users, CancellationToken ct)
    {
        if (limit is < 1 or > MaxPageSize) return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        if (after is not null && !Ids.IsValid(after)) return Problems.BadRequest("after must be the id of a user.");
        if (query?.Length > MaxQueryChars) return Problems.BadRequest($"query must be at most {MaxQueryChars} characters.");
        var take = limit ?? DefaultPageSize;
        // One more than asked for tells whether there is a next page without a count.
        var page = await users.ListAsync(take + 1, after, string.IsNullOrWhiteSpace(query) ? null : query.Trim(), ct);
        return TypedResults.Ok(new UserPage { Users = page.Take(take).Select(u => u.ToDto()).ToArray(), HasMore = page.Count > take });
    }

    private static async Task<Results<Ok<AdminUserDto>, ProblemHttpResult>> GetAsync(
        string id, IUserStore users, SessionService sessions, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || await users.FindByIdAsync(id, ct) is not { } user) return Problems.NotFound("There is no user with that id.");
        return TypedResults.Ok(new AdminUserDto { User = user.ToDto(), Sessions = (await sessions.ListAsync(id, ct)).Count });
    }

    /// <summary>
    /// The user's access tokens end (their role is in them) and their hub connections close with <c>role-changed</c>;
    /// their sessions go on and refresh into the new role.
    /// </summary>
    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> SetRoleAsync(
        string id, SetRoleRequest request, IUserStore users, UserConnections connections, TimeProvider clock, CancellationToken ct)
    {
        if (!Roles.IsKnown(request.Role)) return Problems.BadRequest($"role must be {Roles.Free}, {Roles.Paid} or {Roles.Admin}.");
        var updated = Ids.IsValid(id) ? await users.UpdateAsync(id, new UserChanges(clock.UtcNowMs(), Role: request.Role), ct) : null;
        if (updated is null) return Problems.NotFound("There is no user with that id.");
        await connections.EndAsync(new SessionEnd(id, null, SessionEndReasons.RoleChanged));
        return TypedResults.Ok(updated.ToDto());
    }
}
