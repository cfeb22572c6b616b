using ChatHub.Tests.Support;
using Microsoft.Playwright;

namespace ChatHub.Tests.Web;

/// <summary>
/// One headless Debian chromium and one service for a test class, with the simulated model slowed
/// down so streaming can be watched. Each test opens its own browser context: a new user, fresh storage.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const int MaxMessageChars = 300;
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>Every Playwright wait in these tests, and the launch, is bounded by this.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // Without the background-networking flags chromium keeps calling home on a machine without a network.
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private ChatServer? _server;

    public ChatServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public async ValueTask InitializeAsync()
    {
        // On a port known before it starts, so the links in its mails lead back to it.
        var address = $"http://127.0.0.1:{RedisProcess.FreePort()}";
        var settings = ServerSettings();
        settings["urls"] = address;
        settings["Email:LinkBaseUrl"] = $"{address}/";
        _server = await ChatServer.StartAsync(settings);
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (.ci/run does it).");
        }
        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = (float)Timeout.TotalMilliseconds,
        });
    }

    /// <summary>docs/screenshots when UPDATE_SCREENSHOTS=1; otherwise a temporary folder (the screens are still driven and captured).</summary>
    public static string ScreenshotFolder()
    {
        var folder = Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepoPaths.Root, "docs", "screenshots")
            : Directory.CreateTempSubdirectory("chathub-screenshots-").FullName;
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Settings of every web test server: a model slow enough to watch it stream.</summary>
    public static Dictionary<string, string> ServerSettings() => new()
    {
        ["Llm:Simulated:TokensPerSecond"] = "15",
        ["Llm:Simulated:TimeToFirstTokenMs"] = "50",
        ["Chat:MaxMessageChars"] = MaxMessageChars.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A new context (its own storage, so its own user) with one page on the service, or on <paramref name="server"/>.</summary>
    /// <param name="colorScheme">The system's setting the page sees (light unless told).</param>
    public async Task<ChatPage> OpenAsync(int width = 1280, int height = 800, ChatServer? server = null, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (server ?? Server).BaseUri.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = 1,
            ColorScheme = colorScheme,
        });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        return new ChatPage(await context.NewPageAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_server is not null) await _server.DisposeAsync();
    }
}
