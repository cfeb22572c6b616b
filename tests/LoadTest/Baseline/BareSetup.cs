using ChatHub.Contracts;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Baseline;

/// <summary>The bare hub has no accounts and no store: a conversation is just a fresh group name.</summary>
public sealed class BareSetup : IChatSetup
{
    public bool HasAccounts => false;

    public Task<string?> RegisterAsync(Uri node, string email, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task<string> CreateConversationAsync(Uri node, string? accessToken, CancellationToken cancellationToken) =>
        Task.FromResult(Guid.NewGuid().ToString("N"));

    public Task<IReadOnlyList<MessageDto>?> HistoryAsync(Uri node, string? accessToken, string conversationId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MessageDto>?>(null);
}
