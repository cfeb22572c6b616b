using System.Net;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatHub.Tests.OAuth;

/// <summary>Where a provider round trip ended: the page the browser was sent back to, and what its fragment says.</summary>
public sealed record Landing(Uri Page, IReadOnlyDictionary<string, string> Answer)
{
    /// <summary>The page without its fragment, as the service was asked to return to it.</summary>
    public string ReturnedTo => Page.GetLeftPart(UriPartial.Query);
}

/// <summary>
/// A browser as far as a sign-in goes: it keeps cookies and follows redirects one at a time (the handler
/// does not follow them), so each hop (service, provider, callback, complete) is a real request.
/// </summary>
public sealed class Browser(Uri service) : IDisposable
{
    private const int MaxHops = 8;

    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        BaseAddress = service,
        Timeout = Timeouts.Event,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> GetAsync(string url) => http.GetAsync(url, Ct);

    /// <summary>A page's own API call with its access token: cookies it sets stay in this browser.</summary>
    public Task<HttpResponseMessage> PostAsync(string url, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken);
        return http.SendAsync(request, Ct);
    }

    /// <summary>Follows redirects from <paramref name="url"/> until one leads to a page with an answer in its fragment.</summary>
    public async Task<Landing> NavigateAsync(string url)
    {
        var next = new Uri(service, url);
        for (var hop = 0; hop < MaxHops; hop++)
        {
            using var response = await http.GetAsync(next, Ct);
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.RedirectMethod or HttpStatusCode.RedirectKeepVerb))
            {
                Assert.Fail($"{next} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
            }
            next = new Uri(next, response.Headers.Location!);
            if (next.Fragment.Length > 1)
            {
                var answer = QueryHelpers.ParseQuery(next.Fragment[1..]).ToDictionary(p => p.Key, p => p.Value.ToString());
                return new Landing(next, answer);
            }
        }
        Assert.Fail($"More than {MaxHops} redirects; the last went to {next}.");
        return null!;
    }

    public void Dispose() => http.Dispose();
}
