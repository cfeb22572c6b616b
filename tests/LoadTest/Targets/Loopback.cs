namespace ChatHub.LoadTest.Targets;

/// <summary>The tool sends traffic only to this machine: any other host is refused before a byte goes out.</summary>
public static class Loopback
{
    private static readonly HashSet<string> Hosts = new(StringComparer.OrdinalIgnoreCase) { "127.0.0.1", "localhost", "[::1]" };

    public static Uri Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new FormatException($"'{url}' is not an http(s) URL.");
        }
        return IsLoopback(uri) ? uri : throw new FormatException($"'{uri.Host}' is not 127.0.0.1, localhost or [::1]: the tool only talks to this machine.");
    }

    public static bool IsLoopback(Uri uri) => Hosts.Contains(uri.Host);
}
