using System.Net;
using System.Reflection;
using System.Text;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

public sealed class HardeningTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private const string AppOrigin = "https://app.chathub.test";

    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/api/conversations")]
    [InlineData("/no/such/page")]
    public async Task EveryAnswerCarriesTheSecurityHeaders(string path)
    {
        using var anonymous = Server.CreateHttpClient();

        var response = await anonymous.GetAsync(path, Ct);

        AssertSecurityHeaders(response);
        Assert.False(response.Headers.Contains("Server"), "The answer names the server software.");
    }

    [Fact]
    public async Task AnUnexpectedErrorIsAGeneric500ProblemThatTellsNothingOfTheInternals()
    {
        await using var broken = await ChatServer.StartAsync(configure: builder =>
            builder.Services.AddSingleton(DispatchProxy.Create<IConversationStore, BrokenStore>()));
        var user = await broken.CreateUserAsync();
        using var http = user.Http();

        var response = await http.GetAsync(Routes.Conversations, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(BrokenStore.Secret, body);
        Assert.DoesNotContain("Exception", body);
        Assert.Equal(500, (await response.ProblemAsync()).Status);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task AnApiBodyOver64KilobytesIsRefused()
    {
        using var anonymous = Server.CreateHttpClient();
        var json = $"{{\"email\":\"big@chathub.test\",\"password\":\"{new string('p', 70 * 1024)}\"}}";

        var response = await anonymous.PostAsync(Routes.Register, new StringContent(json, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(413, (await response.ProblemAsync()).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Routes.Login,
            new StringContent("{\"email\":\"big@chathub.test\",\"password\":\"x\"}", Encoding.UTF8, "application/json"), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("/api/conversations", "POST")]
    [InlineData("/hubs/chat/negotiate", "POST")]
    [InlineData("/api/me", "PATCH")]
    public async Task AConfiguredOriginMayCallTheApiAndTheHubWithABearerToken(string path, string method)
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Cors:Origins:0"] = AppOrigin });
        using var anonymous = server.CreateHttpClient();

        var response = await anonymous.SendAsync(Preflight(path, method, AppOrigin), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(AppOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("authorization", allowed);
        Assert.Contains("content-type", allowed);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task AnyOtherOriginGetsNoCorsPermission()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Cors:Origins:0"] = AppOrigin });
        using var anonymous = server.CreateHttpClient();

        var preflight = await anonymous.SendAsync(Preflight(Routes.Conversations, "POST", "https://evil.chathub.test"), Ct);
        var unconfigured = await Server.CreateHttpClient().SendAsync(Preflight(Routes.Conversations, "POST", AppOrigin), Ct);

        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(unconfigured.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string method, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        string Header(string name) => Assert.Single(response.Headers.GetValues(name));
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        Assert.Equal(
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
            Header("Content-Security-Policy"));
    }

    /// <summary>A conversation store whose every call fails with a message no client should ever see. Not sealed: the proxy derives from it.</summary>
    public class BrokenStore : DispatchProxy
    {
        public const string Secret = "/var/lib/secret-path connection refused";

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => throw new InvalidOperationException(Secret);
    }
}
