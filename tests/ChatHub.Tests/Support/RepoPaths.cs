namespace ChatHub.Tests.Support;

/// <summary>Places in the repository, found from the test output by walking up to CharacterChat.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The web page's static files, served by every test server as they are in the source tree.</summary>
    public static string WebRoot => Path.Combine(Root, "src", "ChatHub", "wwwroot");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CharacterChat.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CharacterChat.sln not found above the test output.");
    }
}
