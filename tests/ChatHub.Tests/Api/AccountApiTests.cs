using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.Mvc;

namespace ChatHub.Tests.Api;

public sealed class AccountApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARegisteredUserCanSignInAndUseTheToken()
    {
        var user = await Server.CreateUserAsync();
        using var anonymous = Server.CreateHttpClient();

        var response = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email.ToUpperInvariant(), Password = user.Password }, Ct);

        response.EnsureSuccessStatusCode();
        var auth = (await response.Content.ReadFromJsonAsync<AuthResponse>(Ct))!;
        Assert.Equal(user.Id, auth.User.Id);
        Assert.Equal("free", auth.User.Role);
        Assert.True(auth.ExpiresAt > DateTimeOffset.UtcNow);
        using var signedIn = Server.CreateHttpClient(auth.AccessToken);
        Assert.Equal(HttpStatusCode.OK, (await signedIn.GetAsync(Routes.Conversations, Ct)).StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownEmailGetTheSameAnswer()
    {
        var user = await Server.CreateUserAsync();
        using var anonymous = Server.CreateHttpClient();

        var wrongPassword = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email, Password = "not the password" }, Ct);
        var unknownEmail = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = $"nobody-{Guid.NewGuid():N}@chathub.test", Password = "not the password" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEmail.StatusCode);
        var first = await wrongPassword.Content.ReadFromJsonAsync<ProblemDetails>(Ct);
        var second = await unknownEmail.Content.ReadFromJsonAsync<ProblemDetails>(Ct);
        Assert.Equal("The email or password is incorrect.", first!.Detail);
        Assert.Equal(first.Detail, second!.Detail);
    }

    [Fact]
    public async Task AnEmailCanBeRegisteredOnlyOnce()
    {
        var user = await Server.CreateUserAsync();
        using var anonymous = Server.CreateHttpClient();

        var again = await anonymous.PostAsJsonAsync(Routes.Register, new RegisterRequest { Email = $" {user.Email.ToUpperInvariant()} ", Password = "another password" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        var login = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email, Password = user.Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Theory]
    [InlineData("not-an-email", "long enough password", "Enter a valid email address.")]
    [InlineData("", "long enough password", "Enter a valid email address.")]
    [InlineData("valid@chathub.test", "short", "The password must have 8 to 256 characters.")]
    public async Task RegistrationRefusesBadInputWithAProblem(string email, string password, string detail)
    {
        using var anonymous = Server.CreateHttpClient();

        var response = await anonymous.PostAsJsonAsync(Routes.Register, new RegisterRequest { Email = email, Password = password }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(detail, (await response.Content.ReadFromJsonAsync<ProblemDetails>(Ct))!.Detail);
    }

    [Fact]
    public async Task MalformedJsonGetsAProblemNotACrash()
    {
        using var anonymous = Server.CreateHttpClient();

        var response = await anonymous.PostAsync(Routes.Register, new StringContent("{\"email\":", System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    public async Task ApiCallsWithoutAValidTokenGet401Problems(string? token)
    {
        using var client = Server.CreateHttpClient(token);

        var response = await client.GetAsync(Routes.Conversations, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task HealthAndTheOpenApiDocumentNeedNoToken()
    {
        using var anonymous = Server.CreateHttpClient();

        Assert.Equal("Healthy", await anonymous.GetStringAsync(Routes.HealthLive, Ct));
        Assert.Equal("Healthy", await anonymous.GetStringAsync(Routes.HealthReady, Ct));
        var openApi = await anonymous.GetStringAsync("/openapi/v1.json", Ct);
        Assert.Contains("\"/api/conversations/{id}/messages\"", openApi);
        Assert.Contains("\"/api/auth/login\"", openApi);
    }
}
