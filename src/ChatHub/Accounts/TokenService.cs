using System.Security.Claims;
using ChatHub.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatHub.Accounts;

public sealed class TokenService(SymmetricSecurityKey key, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public AuthResponse Issue(User user)
    {
        var now = clock.GetUtcNow();
        var expires = now.AddMinutes(options.Value.AccessTokenMinutes);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id),
                new Claim(JwtRegisteredClaimNames.Email, user.Email),
                new Claim(ClaimNames.Name, user.Name),
                new Claim(ClaimNames.Role, user.Role),
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return new AuthResponse { AccessToken = token, ExpiresAt = expires, User = user.ToDto() };
    }
}

public static class ClaimNames
{
    public const string Name = "name";
    public const string Role = "role";
}

public static class UserMapping
{
    public static UserDto ToDto(this User user) => new() { Id = user.Id, Email = user.Email, Name = user.Name, Role = user.Role };

    /// <summary>The signed-in user's id (the token's <c>sub</c>); endpoints and the hub only run for signed-in users.</summary>
    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("The principal has no subject.");
}
