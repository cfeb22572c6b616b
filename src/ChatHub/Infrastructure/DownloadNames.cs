namespace ChatHub.Infrastructure;

/// <summary>File names for downloads: letters, digits, '-' and '_' only, so no header or path can be built from what a user typed.</summary>
public static class DownloadNames
{
    public static string Of(string? name, string fallback)
    {
        var safe = new string((name ?? "").Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray()).Trim('_');
        return safe.Length == 0 ? fallback : safe[..Math.Min(safe.Length, 60)];
    }
}
