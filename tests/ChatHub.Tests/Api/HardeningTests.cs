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
        var problem = await response.ProblemAsync();
        Assert.Equal(413, problem.Status);
        Assert.Equal("The request body is too large: at most 64 KB are allowed.", problem.Detail);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(Routes.Login,
            new StringContent("{\"email\":\"big@chathub.test\",\"password\":\"x\"}", Encoding.UTF8, "application/json"), Ct)).StatusCode);
    }

    public static TheoryData<string, string> MalformedRequests => new()
    {
        { "400", "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n" },
        { "414", $"GET /{new string('a', 9 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "431", $"GET / HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 33 * 1024)}\r\n\r\n" },
    };

    /// <summary>
    /// Kestrel answers these itself, before any middleware runs, so they cannot carry the security headers (see
    /// docs/security.md); what they can promise: they name no server software and carry no body at all.
    /// </summary>
    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task KestrelsOwnRejectionsNameNoServerAndHaveNoBody(string status, string request)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(Server.BaseUri.Host, Server.BaseUri.Port, Ct).AsTask().Bounded();
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Ct).AsTask().Bounded();

        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(Ct).Bounded();

        Assert.StartsWith($"HTTP/1.1 {status} ", answer);
        Assert.DoesNotContain("Server:", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Length: 0", answer, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n", answer);
    }

    [Fact]
    public async Task AWrongContentTypeOnSignInIs415WithWhatToSendNotASignInAgain()
    {
        using var anonymous = Server.CreateHttpClient();

        var response = await anonymous.PostAsync(Routes.Login, new StringContent("{\"email\":\"a@chathub.test\",\"password\":\"x\"}", Encoding.UTF8, "text/plain"), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("The request body must be JSON, sent with Content-Type: application/json.", (await response.ProblemAsync()).Detail);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task MalformedJsonIs400WithADetail()
    {
        using var anonymous = Server.CreateHttpClient();

        var response = await anonymous.PostAsync(Routes.Login, new StringContent("{\"email\": nope", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("The request could not be read: its body must be JSON of the shape this endpoint takes, its parameters of the right type (see /openapi/v1.json).",
            (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task AnUnknownApiAddressIs404AndAWrongMethodIs405EachWithADetail()
    {
        var user = await Server.CreateUserAsync();
        using var http = user.Http();

        var unknown = await http.GetAsync("/api/no-such-thing", Ct);
        var wrongMethod = await http.PutAsync(Routes.Conversations, new StringContent("{}", Encoding.UTF8, "application/json"), Ct);
        var wrongMethodAnonymous = await Server.CreateHttpClient().DeleteAsync(Routes.Login, Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("There is nothing at this address.", (await unknown.ProblemAsync()).Detail);
        foreach (var response in new[] { wrongMethod, wrongMethodAnonymous })
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.StartsWith("This address does not take ", (await response.ProblemAsync()).Detail);
            Assert.NotEmpty(response.Content.Headers.Allow);
        }
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
