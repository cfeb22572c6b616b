using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Storage;

namespace ChatHub.Tests.Storage;

/// <summary>A fresh, initialized set of stores from one adapter, and what to dispose when done.</summary>
public sealed record Stores(
    IUserStore Users,
    ICharacterStore Characters,
    IConversationStore Conversations,
    IStoreLifecycle Lifecycle,
    IAsyncDisposable Owner) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Owner.DisposeAsync();
}

/// <summary>
/// What every store adapter must do. Each adapter's test class inherits this and says how to open
/// its stores; every test makes its own users and conversations.
/// </summary>
public abstract class StoreContractTests
{
    protected abstract Task<Stores> OpenStoresAsync();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;
}
