using ChatHub.Conversations;
using ChatHub.Storage.Sqlite;

namespace ChatHub.Tests.Support;

/// <summary>
/// The real SQLite conversation store, counting the appends the hub makes and, if asked, pausing
/// before each user message goes to the store, or holding one read of a branch.
/// </summary>
public sealed class HookedConversationStore : IConversationStore
{
    private IConversationStore _inner = null!;

    public int UserAppends;
    public int ReplyAppends;
    public int Changes;

    /// <summary>How long each user message waits before it goes to the store.</summary>
    public TimeSpan UserAppendDelay { get; init; }

    private volatile TaskCompletionSource _gate = Opened();
    private ReadHold? _pathHold;

    /// <summary>From now on user messages wait before they go to the store, until <see cref="OpenGate"/>.</summary>
    public void CloseGate() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OpenGate() => _gate.TrySetResult();

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }

    /// <summary>Registers it last, so it is the store the service resolves; it is usable once the service has started.</summary>
    public static HookedConversationStore Register(WebApplicationBuilder builder, TimeSpan userAppendDelay = default)
    {
        var hooked = new HookedConversationStore { UserAppendDelay = userAppendDelay };
        builder.Services.AddSingleton<IConversationStore>(sp =>
        {
            hooked._inner = ActivatorUtilities.CreateInstance<SqliteConversationStore>(sp);
            return hooked;
        });
        return hooked;
    }

    public Task CreateAsync(Conversation conversation, IReadOnlyList<StoredMessage> opening, CancellationToken ct) => _inner.CreateAsync(conversation, opening, ct);
    public Task<Conversation?> GetAsync(string id, string userId, CancellationToken ct) => _inner.GetAsync(id, userId, ct);
    public Task<IReadOnlyList<Conversation>> ListAsync(string userId, CancellationToken ct) => _inner.ListAsync(userId, ct);
    public Task<bool> DeleteAsync(string id, string userId, CancellationToken ct) => _inner.DeleteAsync(id, userId, ct);
    public Task<ConversationListPage> ListPageAsync(ConversationListQuery query, CancellationToken ct) => _inner.ListPageAsync(query, ct);
    public Task<IReadOnlyList<StoredMessage>?> GetAllMessagesAsync(string conversationId, string userId, CancellationToken ct) =>
        _inner.GetAllMessagesAsync(conversationId, userId, ct);
    public Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken ct) =>
        _inner.FindByClientMessageIdAsync(conversationId, userId, clientMessageId, ct);
    public Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken ct) =>
        _inner.GetMessagesAsync(conversationId, userId, limit, beforeId, ct);
    public Task<IReadOnlyList<UnansweredMessage>> ListUnansweredAsync(CancellationToken ct) => _inner.ListUnansweredAsync(ct);
    public Task<bool> SetModelProfileAsync(string conversationId, string userId, string? profile, CancellationToken ct) =>
        _inner.SetModelProfileAsync(conversationId, userId, profile, ct);
    public Task<bool> SetMemoryAsync(string conversationId, string userId, ConversationMemory memory, CancellationToken ct) =>
        _inner.SetMemoryAsync(conversationId, userId, memory, ct);
    /// <summary>The next read of the path through the message waits, once read, until the hold is released.</summary>
    public ReadHold HoldPathThrough(string messageId)
    {
        var hold = new ReadHold(messageId);
        Volatile.Write(ref _pathHold, hold);
        return hold;
    }

    public async Task<MessageSlice?> GetPathAsync(string conversationId, string userId, string throughId, int limit, CancellationToken ct)
    {
        var path = await _inner.GetPathAsync(conversationId, userId, throughId, limit, ct);
        if (Volatile.Read(ref _pathHold) is { } hold && hold.Of == throughId && Interlocked.CompareExchange(ref _pathHold, null, hold) == hold)
        {
            await hold.WaitAsync(ct);
        }
        return path;
    }
    public Task<PlacedMessage?> GetMessageAsync(string conversationId, string userId, string messageId, CancellationToken ct) =>
        _inner.GetMessageAsync(conversationId, userId, messageId, ct);
    public Task<IReadOnlyList<StoredMessage>?> GetSiblingsAsync(string conversationId, string userId, string messageId, CancellationToken ct) =>
        _inner.GetSiblingsAsync(conversationId, userId, messageId, ct);
    public Task<string?> SelectBranchAsync(string conversationId, string userId, string messageId, CancellationToken ct) =>
        _inner.SelectBranchAsync(conversationId, userId, messageId, ct);
    public Task<DeleteOutcome?> DeleteMessageAsync(string conversationId, string userId, string messageId, IReadOnlyCollection<string> keep, CancellationToken ct) =>
        _inner.DeleteMessageAsync(conversationId, userId, messageId, keep, ct);
    public Task<bool> SetTitleAsync(string conversationId, string userId, string title, bool onlyIfUntitled, CancellationToken ct) =>
        _inner.SetTitleAsync(conversationId, userId, title, onlyIfUntitled, ct);

    /// <summary>Counted with the appends: a continued or edited message is a write of the turn too.</summary>
    public Task<bool> ChangeMessageAsync(string conversationId, string userId, MessageChange change, CancellationToken ct)
    {
        Interlocked.Increment(ref Changes);
        return _inner.ChangeMessageAsync(conversationId, userId, change, ct);
    }

    public async Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref UserAppends);
        await Task.Delay(UserAppendDelay, ct);
        await _gate.Task.WaitAsync(ct);
        return await _inner.AppendUserMessageAsync(conversationId, userId, message, ct);
    }

    public Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken ct)
    {
        Interlocked.Increment(ref ReplyAppends);
        return _inner.AppendReplyAsync(conversationId, reply, ct);
    }
}
