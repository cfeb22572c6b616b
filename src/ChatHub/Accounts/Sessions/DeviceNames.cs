using System.Text.RegularExpressions;

namespace ChatHub.Accounts.Sessions;

/// <summary>
/// A person's words for the device a session is on, from its User-Agent: "Firefox 133" on "Windows". Only the
/// families people recognise; no user-agent parser is among the packages we may use, and a list of sessions needs no more.
/// </summary>
public static partial class DeviceNames
{
    public const string Unknown = "Unknown";

    // The first match wins: Edge, Opera and Samsung's browser also say "Chrome", and Chrome also says "Safari".
    private static readonly (Regex Pattern, string Name)[] Browsers =
    [
        (EdgePattern(), "Edge"),
        (OperaPattern(), "Opera"),
        (SamsungPattern(), "Samsung Internet"),
        (FirefoxPattern(), "Firefox"),
        (ChromePattern(), "Chrome"),
        (SafariPattern(), "Safari"),
    ];

    private static readonly (string Marker, string Name)[] Systems =
    [
        ("Windows", "Windows"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Android", "Android"), ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    public static string Browser(string? userAgent)
    {
        foreach (var (pattern, name) in Browsers)
        {
            if (pattern.Match(userAgent ?? "") is { Success: true } match) return $"{name} {match.Groups["major"].Value}";
        }
        return Unknown;
    }

    public static string OperatingSystem(string? userAgent)
    {
        foreach (var (marker, name) in Systems)
        {
            if (userAgent?.Contains(marker, StringComparison.Ordinal) == true) return name;
        }
        return Unknown;
    }

    [GeneratedRegex(@"\bEdg(?:e|A|iOS)?/(?<major>\d+)")]
    private static partial Regex EdgePattern();

    [GeneratedRegex(@"\b(?:OPR|Opera)/(?<major>\d+)")]
    private static partial Regex OperaPattern();

    [GeneratedRegex(@"\bSamsungBrowser/(?<major>\d+)")]
    private static partial Regex SamsungPattern();

    [GeneratedRegex(@"\b(?:Firefox|FxiOS)/(?<major>\d+)")]
    private static partial Regex FirefoxPattern();

    [GeneratedRegex(@"\b(?:HeadlessChrome|Chrome|CriOS|Chromium)/(?<major>\d+)")]
    private static partial Regex ChromePattern();

    [GeneratedRegex(@"\bVersion/(?<major>\d+)[.\d]* (?:Mobile/\w+ )?Safari/")]
    private static partial Regex SafariPattern();
}
