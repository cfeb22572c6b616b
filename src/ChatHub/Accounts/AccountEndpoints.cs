using System.Net.Mail;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts;

public static class AccountEndpoints
{
    public const int MinPasswordChars = 8;
    public const int MaxPasswordChars = 256;
    public const int MaxNameChars = 100;

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Accounts").AllowAnonymous();
        group.MapPost("/register", RegisterAsync);
        group.MapPost("/login", LoginAsync);
        return app;
    }

    private static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, IUserStore users, TokenService tokens, IOptions<AuthOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var email = NormalizeEmail(request.Email);
        if (email is null) return Problems.BadRequest("Enter a valid email address.");
        if (request.Password is not { Length: >= MinPasswordChars and <= MaxPasswordChars })
        {
            return Problems.BadRequest($"The password must have {MinPasswordChars} to {MaxPasswordChars} characters.");
        }
        var name = string.IsNullOrWhiteSpace(request.Name) ? email.Split('@')[0] : request.Name.Trim();
        if (name.Length > MaxNameChars) return Problems.BadRequest($"The name may have at most {MaxNameChars} characters.");

        var role = options.Value.AdminEmails.Contains(email, StringComparer.OrdinalIgnoreCase) ? Roles.Admin : Roles.Free;
        var now = clock.UtcNowMs();
        var user = new User(Ids.New(), name, email, PasswordHasher.Hash(request.Password), role, now, now);
        if (!await users.TryCreateAsync(user, ct))
        {
            return Problems.Conflict("An account with this email already exists. Sign in instead.");
        }
        return TypedResults.Ok(tokens.Issue(user));
    }

    private static async Task<Results<Ok<AuthResponse>, ProblemHttpResult>> LoginAsync(
        LoginRequest request, IUserStore users, PasswordHasher hasher, TokenService tokens, CancellationToken ct)
    {
        var email = NormalizeEmail(request.Email);
        var password = request.Password ?? "";
        var user = email is null ? null : await users.FindByEmailAsync(email, ct);
        var valid = user is null ? hasher.VerifyDecoy(password) : PasswordHasher.Verify(password, user.PasswordHash);
        return valid ? TypedResults.Ok(tokens.Issue(user!)) : Problems.Unauthorized("The email or password is incorrect.");
    }

    private static string? NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim().ToLowerInvariant();
        return trimmed is { Length: > 0 and <= 254 } && MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed
            ? trimmed
            : null;
    }
}
