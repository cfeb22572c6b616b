using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatHub.Contracts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChatHub.Tests.Support;

/// <summary>
/// The real service on Kestrel at a free loopback port, with its own SQLite file and the simulated
/// model at a pace the test picks.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsDataDir;

    private ChatServer(WebApplication app, string dataDir, bool ownsDataDir)
    {
        _app = app;
        DataDir = dataDir;
        _ownsDataDir = ownsDataDir;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUri = new Uri(address.Replace("[::]", "127.0.0.1"));
    }

    public Uri BaseUri { get; }
    public string DataDir { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="settings">Configuration keys (<c>Chat:MaxMessageChars</c> ...) that override the test defaults.</param>
    /// <param name="dataDir">Reuse another server's data to test a restart; a new temporary dir when null.</param>
    /// <param name="ownsDataDir">Delete the data dir on dispose; always so for a temporary one.</param>
    public static async Task<ChatServer> StartAsync(
        IReadOnlyDictionary<string, string>? settings = null,
        string? dataDir = null,
        Action<WebApplicationBuilder>? configure = null,
        bool ownsDataDir = false)
    {
        ownsDataDir |= dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("chathub-test-").FullName;
        var config = new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["DataDir"] = dataDir,
            ["webroot"] = RepoPaths.WebRoot,
            ["Llm:Simulated:TimeToFirstTokenMs"] = "20",
            ["Llm:Simulated:TokensPerSecond"] = "200",
            ["Logging:LogLevel:Default"] = "Warning",
            // Every test signs up from loopback; the limit's own tests set it low.
            ["Limits:AnonymousAuthPerMinute"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) config[key] = value;
        var app = ChatHubApp.Build([.. config.Select(kv => $"--{kv.Key}={kv.Value}")], configure);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new ChatServer(app, dataDir, ownsDataDir);
    }

    public HttpClient CreateHttpClient(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseUri, Timeout = Timeouts.Event };
        if (accessToken is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    /// <summary>Registers a new user with a unique email (or the one given) through the REST API.</summary>
    public async Task<TestUser> CreateUserAsync(string? email = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@chathub.test";
        const string password = "correct horse battery";
        using var anonymous = CreateHttpClient();
        var response = await anonymous.PostAsJsonAsync(Routes.Register, new RegisterRequest { Email = email, Password = password, Name = "Test User" }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var auth = (await response.Content.ReadFromJsonAsync<AuthResponse>(TestContext.Current.CancellationToken))!;
        return new TestUser(this, auth.User.Id, email, password, auth.AccessToken, auth.RefreshToken);
    }

    /// <summary>Admins are named by email in configuration, so a test that needs one gets a server of its own.</summary>
    public static async Task<(ChatServer Server, TestUser Admin)> StartWithAdminAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var email = $"admin-{Guid.NewGuid():N}@chathub.test";
        var server = await StartAsync(new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["Auth:AdminEmails:0"] = email });
        return (server, await server.CreateUserAsync(email));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        if (_ownsDataDir) TryDeleteDirectory(DataDir);
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A pooled SQLite handle may still hold the file for a moment; the OS temp dir is cleaned anyway.
        }
    }
}

public sealed record TestUser(ChatServer Server, string Id, string Email, string Password, string AccessToken, string RefreshToken)
{
    public HttpClient Http() => Server.CreateHttpClient(AccessToken);

    /// <summary>A started hub connection (one "device") whose events are recorded.</summary>
    /// <param name="node">Another node of the same deployment to connect to; this user's server when null.</param>
    public async Task<Device> ConnectAsync(HubProtocol protocol = HubProtocol.Json, Uri? node = null)
    {
        var proxy = ChatHubProxy.Create(node ?? Server.BaseUri, () => Task.FromResult<string?>(AccessToken), protocol);
        var events = new RecordedEvents();
        proxy.Register(events);
        await proxy.StartAsync(TestContext.Current.CancellationToken).Bounded();
        return new Device(proxy, events);
    }

    public async Task<ConversationDto> CreateConversationAsync(string? characterId = null)
    {
        using var http = Http();
        characterId ??= (await http.GetFromJsonAsync<CharacterDto[]>(Routes.Characters, TestContext.Current.CancellationToken))![0].Id;
        var response = await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = characterId }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConversationDto>(TestContext.Current.CancellationToken))!;
    }

    /// <summary>The active branch as stored, after the greeting the conversation opened with (<paramref name="withGreeting"/>: with it).</summary>
    public async Task<IReadOnlyList<MessageDto>> MessagesAsync(string conversationId, int limit = 200, bool withGreeting = false)
    {
        using var http = Http();
        var page = await http.GetFromJsonAsync<MessagePage>(Routes.Messages(conversationId, limit), TestContext.Current.CancellationToken);
        return withGreeting ? page!.Messages : [.. page!.Messages.Where(m => !IsGreeting(m))];
    }

    /// <summary>A message a conversation opened with: a character's first message.</summary>
    public static bool IsGreeting(MessageDto message) => message is { Sender: MessageValues.SenderAi, ParentId: null };
}

public sealed record Device(ChatHubProxy Hub, RecordedEvents Events) : IAsyncDisposable
{
    public Task<SendMessageResult> SendAsync(string conversationId, string text, string? clientMessageId = null) =>
        Hub.SendMessage(new SendMessageRequest
        {
            ConversationId = conversationId,
            Message = text,
            ClientMessageId = clientMessageId ?? Guid.NewGuid().ToString("N"),
        }).Bounded();

    public ValueTask DisposeAsync() => Hub.DisposeAsync();
}
