using ChatHub.Tests.Support;

namespace ChatHub.Tests.OAuth;

/// <summary>
/// The service with two OpenID Connect providers, <c>fake</c> and <c>fake2</c>, both served by one local
/// <see cref="FakeOidcProvider"/>, and a front end on another origin allowed by CORS. Each test makes its
/// own users; the provider's <see cref="FakeOidcProvider.NextUser"/> is set by each test before it signs in
/// (the tests of a class run one at a time).
/// </summary>
public sealed class OAuthServer : IAsyncLifetime
{
    public const string AppOrigin = "https://app.chathub.test";

    private FakeOidcProvider? _provider;
    private ChatServer? _server;

    public FakeOidcProvider Provider => _provider ?? throw new InvalidOperationException("The provider has not started.");

    public ChatServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async ValueTask InitializeAsync()
    {
        _provider = await FakeOidcProvider.StartAsync(TestContext.Current.CancellationToken);
        var settings = _provider.Configuration("fake").Concat(_provider.Configuration("fake2"))
            .Append(new("OAuth:Providers:fake2:DisplayName", "Fake Two"))
            .Append(new("Cors:Origins:0", AppOrigin))
            .ToDictionary();
        _server = await ChatServer.StartAsync(settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        if (_provider is not null) await _provider.DisposeAsync();
    }
}
