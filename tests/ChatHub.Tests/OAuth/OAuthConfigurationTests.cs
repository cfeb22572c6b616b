using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace ChatHub.Tests.OAuth;

public sealed class OAuthConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Google itself is never contacted: the first hop is built here, and that is what is checked.</summary>
    [Fact]
    public async Task WithAGoogleClientIdGoogleIsOfferedAndTheBrowserIsSentToIt()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["OAuth:Google:ClientId"] = "google-client-id",
            ["OAuth:Google:ClientSecret"] = "google-client-secret",
        });
        using var anonymous = server.CreateHttpClient();
        using var browser = new Browser(server.BaseUri);

        var providers = await (await anonymous.GetAsync(Routes.OAuthProviders, Ct)).ReadAsync<OAuthProviderDto[]>();
        var start = await browser.GetAsync(Routes.OAuthStart("google", "/"));

        Assert.Equal([new OAuthProviderDto { Name = "google", DisplayName = "Google" }], providers);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var location = start.Headers.Location!;
        Assert.Equal("https://accounts.google.com/o/oauth2/v2/auth", location.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("google-client-id", query["client_id"]);
        Assert.Equal($"{server.BaseUri}signin-google", query["redirect_uri"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Contains("email", query["scope"].ToString().Split(' '));
    }

    [Fact]
    public async Task IncompleteProviderSettingsStopTheStartNamingTheKeys()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["OAuth:Google:ClientId"] = "google-client-id",
            ["OAuth:Providers:corp:Authority"] = "not a url",
            ["OAuth:Providers:Bad_Name:Authority"] = "https://login.example.com",
            ["OAuth:Providers:Bad_Name:ClientId"] = "client",
        }));

        Assert.Contains("OAuth:Google:ClientSecret is required when OAuth:Google:ClientId is set.", error.Failures);
        Assert.Contains("OAuth:Providers:corp:Authority must be the provider's absolute http(s) URL.", error.Failures);
        Assert.Contains("OAuth:Providers:corp:ClientId is required.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("OAuth:Providers:Bad_Name: a provider name is", StringComparison.Ordinal));
    }
}
