using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatHub.Contracts;

namespace ChatHub.LoadTest.Targets;

/// <summary>Accounts, conversations and history through CharacterChat's REST API.</summary>
public sealed class RestSetup : IChatSetup, IDisposable
{
    public const string Password = "load test password";
    private const int PageSize = 200;

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };
    private readonly SemaphoreSlim _characterLock = new(1, 1);
    private string? _characterId;

    public bool HasAccounts => true;

    public async Task<string?> RegisterAsync(Uri node, string email, CancellationToken cancellationToken)
    {
        var response = await _http.PostAsJsonAsync(new Uri(node, Routes.Register), new RegisterRequest { Email = email, Password = Password }, cancellationToken);
        return (await ReadAsync<AuthResponse>(response, cancellationToken)).AccessToken;
    }

    public async Task<string> CreateConversationAsync(Uri node, string? accessToken, CancellationToken cancellationToken)
    {
        var characterId = await CharacterIdAsync(node, accessToken, cancellationToken);
        using var request = Request(HttpMethod.Post, new Uri(node, Routes.Conversations), accessToken);
        request.Content = JsonContent.Create(new CreateConversationRequest { CharacterId = characterId });
        return (await ReadAsync<ConversationDto>(await _http.SendAsync(request, cancellationToken), cancellationToken)).Id;
    }

    public async Task<IReadOnlyList<MessageDto>?> HistoryAsync(Uri node, string? accessToken, string conversationId, CancellationToken cancellationToken)
    {
        var messages = new List<MessageDto>();
        string? before = null;
        while (true)
        {
            using var request = Request(HttpMethod.Get, new Uri(node, Routes.Messages(conversationId, PageSize, before)), accessToken);
            var page = await ReadAsync<MessagePage>(await _http.SendAsync(request, cancellationToken), cancellationToken);
            messages.InsertRange(0, page.Messages);
            if (!page.HasMore || page.Messages.Count == 0) return messages;
            before = page.Messages[0].Id;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _characterLock.Dispose();
    }

    /// <summary>Every conversation talks to the first seeded character: the same persona for every session.</summary>
    private async Task<string> CharacterIdAsync(Uri node, string? accessToken, CancellationToken cancellationToken)
    {
        await _characterLock.WaitAsync(cancellationToken);
        try
        {
            if (_characterId is null)
            {
                using var request = Request(HttpMethod.Get, new Uri(node, Routes.Characters), accessToken);
                var characters = await ReadAsync<CharacterDto[]>(await _http.SendAsync(request, cancellationToken), cancellationToken);
                _characterId = characters.FirstOrDefault()?.Id ?? throw new InvalidOperationException("The server has no characters.");
            }
            return _characterId;
        }
        finally
        {
            _characterLock.Release();
        }
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, string? accessToken)
    {
        var request = new HttpRequestMessage(method, uri);
        if (accessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode) throw new HttpRequestException($"HTTP {(int)response.StatusCode}", null, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken) ?? throw new HttpRequestException("empty response body");
        }
    }
}
