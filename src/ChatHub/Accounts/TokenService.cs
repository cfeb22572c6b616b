using System.Globalization;
using System.Security.Claims;
using ChatHub.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatHub.Accounts;

public sealed record AccessToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>Signs access tokens (JWTs). Sessions and their refresh tokens are <see cref="Sessions.SessionService"/>'s.</summary>
public sealed class TokenService(SymmetricSecurityKey key, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <param name="sessionId">The session (refresh-token family) the token belongs to: ending the session ends the token.</param>
    /// <param name="signedInAt">When the session's sign-in happened (<c>auth_time</c>): a fresh sign-in may stand in for a password.</param>
    public AccessToken Issue(User user, string sessionId, DateTimeOffset signedInAt)
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
                new Claim(ClaimNames.TokenVersion, user.TokenVersion.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer32),
                new Claim(JwtRegisteredClaimNames.Sid, sessionId),
                new Claim(JwtRegisteredClaimNames.AuthTime, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
            ]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return new AccessToken(token, expires);
    }
}

public static class ClaimNames
{
    public const string Name = "name";
    public const string Role = "role";
    public const string TokenVersion = "token_version";
}

public static class UserMapping
{
    public static UserDto ToDto(this User user) => new() { Id = user.Id, Email = user.Email, Name = user.Name, Role = user.Role, Persona = user.Persona };

    /// <summary>The signed-in user's id (the token's <c>sub</c>); endpoints and the hub only run for signed-in users.</summary>
    public static string UserId(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("The principal has no subject.");

    /// <summary>The role the token was issued with; a token whose role has since changed is refused, so this is current.</summary>
    public static string Role(this ClaimsPrincipal principal) => principal.FindFirstValue(ClaimNames.Role) ?? Roles.Free;

    /// <summary>Tokens from before token versions existed carry none: they are version 0, as are the users they belong to.</summary>
    public static int TokenVersion(this ClaimsPrincipal principal) =>
        int.TryParse(principal.FindFirstValue(ClaimNames.TokenVersion), NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) ? version : 0;

    /// <summary>The session (refresh-token family) the token belongs to; null for tokens from before sessions were named.</summary>
    public static string? SessionId(this ClaimsPrincipal principal) => principal.FindFirstValue(JwtRegisteredClaimNames.Sid);

    /// <summary>When the token's session signed in; null when the token does not say.</summary>
    public static DateTimeOffset? SignedInAt(this ClaimsPrincipal principal) => UnixTime(principal, JwtRegisteredClaimNames.AuthTime);

    /// <summary>When the token expires (its <c>exp</c>).</summary>
    public static DateTimeOffset? ExpiresAt(this ClaimsPrincipal principal) => UnixTime(principal, JwtRegisteredClaimNames.Exp);

    private static DateTimeOffset? UnixTime(ClaimsPrincipal principal, string claim) =>
        long.TryParse(principal.FindFirstValue(claim), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
