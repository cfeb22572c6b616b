using ChatHub.Contracts;

namespace ChatHub.LoadTest.Targets;

/// <summary>What a session needs besides the hub: an account, a conversation, and the stored history to check against.</summary>
public interface IChatSetup
{
    /// <summary>False where the target has no accounts to register.</summary>
    bool HasAccounts { get; }

    /// <summary>A new account's access token (null where the target needs none).</summary>
    Task<string?> RegisterAsync(Uri node, string email, CancellationToken cancellationToken);

    Task<string> CreateConversationAsync(Uri node, string? accessToken, CancellationToken cancellationToken);

    /// <summary>Every stored message of the conversation, oldest first; null where the target stores nothing.</summary>
    Task<IReadOnlyList<MessageDto>?> HistoryAsync(Uri node, string? accessToken, string conversationId, CancellationToken cancellationToken);
}
