namespace ChatHub.Accounts.OAuth;

/// <summary>
/// Where a provider sign-in may send the browser back to: a path on this site, or a page on an origin in
/// <c>Cors:Origins</c>. Anything else would make the service an open redirect, a gift to phishing.
/// </summary>
public sealed class ReturnUrls(IReadOnlyCollection<string> allowedOrigins)
{
    public const string Default = "/";

    private readonly HashSet<string> _origins = allowedOrigins.Select(o => o.TrimEnd('/')).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(string url)
    {
        // The answer goes in the fragment; control characters and spaces are dropped by browsers, so
        // "/\t/evil.example" would turn into "//evil.example".
        if (url.Contains('#') || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))) return false;
        if (url.StartsWith('/')) return url.Length == 1 || url[1] is not ('/' or '\\');
        return Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && uri.Scheme is "https" or "http"
            && _origins.Contains(uri.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>The answer for the page, in the fragment: browsers never send it to a server, so no log keeps it.</summary>
    public static string WithAnswer(string returnUrl, OAuthAnswer answer) => $"{returnUrl}#{answer.Name}={Uri.EscapeDataString(answer.Value)}";
}
