namespace ChatHub.Tests.Storage;

/// <summary>The store contract against the MongoDB server that CHATHUB_TEST_MONGODB names, in a fresh database per test.</summary>
public sealed class MongoStoreContractTests : StoreContractTests
{
    protected override async Task<Stores> OpenStoresAsync() => (await StoreHost.MongoAsync()).ToStores();

    protected override bool OnMongoWire => Environment.GetEnvironmentVariable("CHATHUB_TEST_MONGODB_WIRE") == "1";
}
