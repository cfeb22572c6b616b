using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>Anonymous account endpoints are limited per client address; a forwarded address counts only from a configured proxy.</summary>
public sealed class AbuseLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneAddressGetsOnlyTheConfiguredSignInsPerMinuteAndAFakedForwardedAddressDoesNotHelp()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Limits:AnonymousAuthPerMinute"] = "3" });

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            using var http = server.CreateHttpClient();
            http.DefaultRequestHeaders.Add("X-Forwarded-For", $"203.0.113.{i}");
            answers.Add(await http.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = $"nobody-{Guid.NewGuid():N}@chathub.test", Password = "a guess at it" }, Ct));
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            answers.Select(a => a.StatusCode));
        Assert.NotEmpty((await answers[^1].ProblemAsync()).Detail!);
        Assert.NotNull(answers[^1].Headers.RetryAfter);
        // The hub and the probes are not limited.
        using var probe = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync(Routes.HealthReady, Ct)).StatusCode);
    }

    [Fact]
    public async Task BehindAConfiguredProxyEachForwardedAddressIsLimitedOnItsOwn()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Limits:AnonymousAuthPerMinute"] = "2",
            ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        });

        async Task<HttpStatusCode> LoginFromAsync(string address)
        {
            using var http = server.CreateHttpClient();
            http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
            return (await http.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = $"nobody-{Guid.NewGuid():N}@chathub.test", Password = "a guess" }, Ct)).StatusCode;
        }

        var first = new[] { await LoginFromAsync("203.0.113.7"), await LoginFromAsync("203.0.113.7"), await LoginFromAsync("203.0.113.7") };
        var other = await LoginFromAsync("198.51.100.9");

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], first);
        Assert.Equal(HttpStatusCode.Unauthorized, other);
    }
}
