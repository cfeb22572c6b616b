using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

/// <summary>Files that hold live tokens or keys are readable by the service's own user alone, like the signing key always was.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task TheDatabaseItsWalAndShmTheMailsAndTheSigningKeyAreCreatedWithMode0600()
    {
        await using var server = await ChatServer.StartAsync();
        var user = await server.CreateUserAsync();

        // A reset mail (with its live token) goes to <DataDir>/mail when no SMTP server is configured.
        (await server.PostJsonAsync(Routes.PasswordReset, new PasswordResetRequest { Email = user.Email })).EnsureSuccessStatusCode();
        var mail = await FirstMailAsync(Path.Combine(server.DataDir, "mail"));

        string[] files = [.. new[] { "chathub.db", "chathub.db-wal", "chathub.db-shm", "signing.key" }.Select(name => Path.Combine(server.DataDir, name)), mail];
        foreach (var path in files) Assert.True(File.GetUnixFileMode(path) == OwnerOnly, $"{Path.GetFileName(path)} is {File.GetUnixFileMode(path)}");
    }

    private static async Task<string> FirstMailAsync(string folder)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bounded.CancelAfter(Timeouts.Event);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        do
        {
            if (Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.eml").FirstOrDefault() is { } path) return path;
        }
        while (await tick.WaitForNextTickAsync(bounded.Token));
        throw new TimeoutException($"No mail in {folder}.");
    }
}
