using ChatHub.Contracts;

namespace ChatHub.Infrastructure;

/// <summary>
/// <c>dotnet ChatHub.dll --health [url]</c> exits 0 when the node answers its liveness probe. The
/// runtime image has neither curl nor wget, so the container's health check runs the service's own binary.
/// </summary>
public static class HealthProbe
{
    public const string Flag = "--health";

    public static bool IsRequested(string[] args) => args is [Flag, ..];

    /// <param name="args"><c>--health</c>, then optionally the URL to probe. By default: the liveness
    /// endpoint on loopback at the first port of <c>ASPNETCORE_HTTP_PORTS</c>, the variable the image sets.</param>
    public static async Task<int> RunAsync(string[] args)
    {
        var url = args is [_, var given, ..] ? given : DefaultUrl();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(url);
            if (response.IsSuccessStatusCode) return 0;
            await Console.Error.WriteLineAsync($"{url} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"{url}: {ex.Message}");
        }
        return 1;
    }

    private static string DefaultUrl()
    {
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return $"http://127.0.0.1:{(ports is [var first, ..] ? first : "8080")}{Routes.HealthLive}";
    }
}
