using System.Diagnostics;

namespace ChatHub.Tests.Support;

/// <summary>The built service as its own process, so a test can kill it with SIGKILL like a crashed machine.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var port = RedisProcess.FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ServiceDll());
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        info.ArgumentList.Add("--Limits:AnonymousAuthPerMinute=1000000"); // every test signs up from loopback
        foreach (var (key, value) in settings) info.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var node = new NodeProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = node.BaseUri, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await WaitUntilServingAsync(http);
        }
        catch
        {
            await node.DisposeAsync(); // a node that never served is still a process to end
            throw;
        }
        return node;
    }

    private static Task WaitUntilServingAsync(HttpClient http) =>
        RedisProcess.WaitUntilAsync(() =>
        {
            try
            {
                return http.GetAsync("/health/live").GetAwaiter().GetResult().IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        });

    /// <summary>SIGKILL: no shutdown, no drain, no goodbye to Redis.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().Bounded();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>src/ChatHub's build output, in the same configuration as these tests.</summary>
    private static string ServiceDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var dll = Path.Combine(RepoPaths.Root, "src", "ChatHub", "bin", configuration, "net10.0", "ChatHub.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
    }
}
