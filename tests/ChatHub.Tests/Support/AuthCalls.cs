using System.Net.Http.Json;
using ChatHub.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace ChatHub.Tests.Support;

/// <summary>The REST calls of the session tests, each bounded like every other await.</summary>
public static class AuthCalls
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new session for the user, as another device would sign in.</summary>
    public static async Task<AuthResponse> SignInAsync(this TestUser user, string? password = null)
    {
        using var http = user.Server.CreateHttpClient();
        var response = await http.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email, Password = password ?? user.Password }, Ct);
        response.EnsureSuccessStatusCode();
        return await response.ReadAsync<AuthResponse>();
    }

    public static async Task<HttpResponseMessage> RefreshAsync(this ChatServer server, string refreshToken)
    {
        using var http = server.CreateHttpClient();
        return await http.PostAsJsonAsync(Routes.Refresh, new RefreshTokenRequest { RefreshToken = refreshToken }, Ct);
    }

    /// <summary>GET <c>/api/me</c> with the given access token.</summary>
    public static async Task<HttpResponseMessage> GetMeAsync(this ChatServer server, string accessToken)
    {
        using var http = server.CreateHttpClient(accessToken);
        return await http.GetAsync(Routes.Me, Ct);
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<T>(Ct).Bounded())!;

    public static Task<ProblemDetails> ProblemAsync(this HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return response.ReadAsync<ProblemDetails>();
    }
}
