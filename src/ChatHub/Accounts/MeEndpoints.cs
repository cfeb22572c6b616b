using System.Security.Claims;
using ChatHub.Accounts.Sessions;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Accounts;

/// <summary>The signed-in user's own account: <c>/api/me</c>.</summary>
public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.Me).WithTags("Accounts");
        group.MapGet("", GetAsync);
        group.MapPatch("", UpdateAsync);
        group.MapPost("/password", ChangePasswordAsync);
        return app;
    }

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> GetAsync(ClaimsPrincipal principal, IUserStore users, CancellationToken ct) =>
        await users.FindByIdAsync(principal.UserId(), ct) is { } user ? TypedResults.Ok(user.ToDto()) : NoAccount();

    private static async Task<Results<Ok<UserDto>, ProblemHttpResult>> UpdateAsync(
        UpdateProfileRequest request, ClaimsPrincipal principal, IUserStore users, UserPersonas personas, TimeProvider clock, CancellationToken ct)
    {
        var name = request.Name?.Trim() ?? "";
        if (AccountRules.NameProblem(name) is { } problem) return Problems.BadRequest(problem);
        var persona = request.Persona?.Trim();
        if (persona?.Length > AccountRules.MaxPersonaChars) return Problems.BadRequest($"The persona may have at most {AccountRules.MaxPersonaChars} characters.");
        var updated = await users.UpdateAsync(principal.UserId(), new UserChanges(clock.UtcNowMs(), Name: name, Persona: persona), ct);
        personas.Forget(principal.UserId());
        return updated is null ? NoAccount() : TypedResults.Ok(updated.ToDto());
    }

    /// <summary>Ends every session, this one included, and answers with a new one for the caller.</summary>
    private static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, ClaimsPrincipal principal, IUserStore users, SessionService sessions,
        PasswordProof proof, HttpResponse response, TimeProvider clock, CancellationToken ct)
    {
        if (await users.FindByIdAsync(principal.UserId(), ct) is not { } user) return NoAccount();
        // An account without a password gets one by reset. Wrong passwords count towards the sign-in lockout, so a
        // stolen access token is no way around it.
        if (!user.HasPassword) return Problems.BadRequest(PasswordProof.WrongPassword);
        if (await proof.CheckAsync(user, request.CurrentPassword, principal, response) is { } refused) return refused;
        if (AccountRules.PasswordProblem(request.NewPassword) is { } problem) return Problems.BadRequest(problem);

        var changed = await users.UpdateAsync(user.Id, new UserChanges(clock.UtcNowMs(), PasswordHash: PasswordHasher.Hash(request.NewPassword)), ct);
        if (changed is null) return NoAccount();
        await sessions.EndAllAsync(user.Id, SessionEndReasons.PasswordChanged, ct);
        return TypedResults.Ok(await sessions.StartAsync(changed, ct));
    }

    /// <summary>The account was deleted after the token was checked.</summary>
    internal static ProblemHttpResult NoAccount() => Problems.Unauthorized("This account no longer exists.");
}
