using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Conversations;
using ChatHub.Storage;

namespace ChatHub.Tests.Storage;

/// <summary>The store contract against the MongoDB server that CHATHUB_TEST_MONGODB names, in a fresh database per test.</summary>
public sealed class MongoStoreContractTests : StoreContractTests
{
    protected override async Task<Stores> OpenStoresAsync()
    {
        var host = await StoreHost.MongoAsync();
        return new Stores(host.Get<IUserStore>(), host.Get<ICharacterStore>(), host.Get<IConversationStore>(), host.Get<IStoreLifecycle>(), host);
    }
}
