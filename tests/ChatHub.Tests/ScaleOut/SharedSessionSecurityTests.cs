using System.Net;
using ChatHub.Chat.Connections;
using ChatHub.Contracts;
using ChatHub.Tests.Chat;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.ScaleOut;

/// <summary>What guards sign-ins and sessions holds across nodes sharing one Redis: one count of guesses, one view of a session.</summary>
public sealed class SharedSessionSecurityTests(RedisFixture fixture) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("chathub-cluster-").FullName;
    private readonly string _prefix = $"test-{Guid.NewGuid():N}";
    private readonly List<ChatServer> _nodes = [];

    private async Task<ChatServer> NodeAsync()
    {
        var node = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = fixture.Redis.ConnectionString,
            ["Redis:ChannelPrefix"] = _prefix,
            ["Hub:MaxConnectionsPerUser"] = "2",
        }, dataDir: _dataDir);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task GuessesOnEveryNodeCountTowardsOneLockout()
    {
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var user = await a.CreateUserAsync();

        for (var i = 0; i < 3; i++) await a.LoginAsync(user.Email, $"guess on a {i}");
        for (var i = 0; i < 2; i++) await b.LoginAsync(user.Email, $"guess on b {i}");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await b.LoginAsync(user.Email, user.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.LoginAsync(user.Email, user.Password)).StatusCode);
    }

    [Fact]
    public async Task APasswordChangeOnOneNodeEndsTheOldTokenOnAnotherAtOnceDespiteItsCache()
    {
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var user = await a.CreateUserAsync();
        Assert.Equal(HttpStatusCode.OK, (await b.GetMeAsync(user.AccessToken)).StatusCode); // b now trusts the token for 10 s
        await using var onB = await user.ConnectAsync(node: b.BaseUri);

        var change = await a.PostJsonAsync(Routes.MyPassword,
            new ChangePasswordRequest { CurrentPassword = user.Password, NewPassword = "a brand new passphrase" }, user.AccessToken);

        change.EnsureSuccessStatusCode();
        await onB.Events.WaitFor<SessionEnded>(); // the change has reached b
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.GetMeAsync(user.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task ConnectionsOnEveryNodeCountTowardsOneCapAndAClosedOneFreesItsPlaceForAnyNode()
    {
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var user = await a.CreateUserAsync();
        var onA = await user.ConnectAsync(node: a.BaseUri);
        await using var onB = await user.ConnectAsync(node: b.BaseUri);

        Assert.Contains(ConnectionCapFilter.TooMany(2), await HubConnectionLimitTests.RefusedAsync(user, b.BaseUri));
        Assert.Contains(ConnectionCapFilter.TooMany(2), await HubConnectionLimitTests.RefusedAsync(user, a.BaseUri));
        await onA.DisposeAsync();

        await using var again = await HubConnectionLimitTests.ConnectWhenAPlaceIsFreeAsync(user, b.BaseUri);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still hold the file for a moment; the OS temp dir is cleaned anyway.
        }
    }
}
