using ChatHub.Accounts.OAuth;
using ChatHub.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;

namespace ChatHub.Tests.Storage;

/// <summary>The OAuth collections: <c>oauth_accounts</c> and <c>oauth_login_codes</c>.</summary>
public sealed partial class MongoRenderingTests
{
    [Fact]
    public void OAuthAccountDocumentsKeepTheSeedFieldsWithTheExpiryRenamed()
    {
        var account = new OAuthAccount(
            ObjectId.GenerateNewId().ToString(), ObjectId.GenerateNewId().ToString(), "google", "google_unique_id", "johndoe@example.com",
            new ProviderTokens("encrypted_access_token", "encrypted_refresh_token", At.AddHours(1)), At.AddDays(-1), At);

        var document = OAuthAccountDocument.From(account).ToBsonDocument();

        Assert.Equal(
            ["_id", "user_id", "provider", "provider_user_id", "email", "access_token", "refresh_token", "access_token_expires_at", "created_at", "updated_at"],
            document.Names);
        Assert.IsType<BsonDateTime>(document["access_token_expires_at"]);
        Assert.Equal(account, BsonSerializer.Deserialize<OAuthAccountDocument>(document).ToOAuthAccount());
    }

    [Fact]
    public void AnOAuthAccountWithoutOptionalValuesLeavesThemOut()
    {
        var account = new OAuthAccount(
            ObjectId.GenerateNewId().ToString(), ObjectId.GenerateNewId().ToString(), "corp", "sub", null, new ProviderTokens(null, null, null), At, At);

        var document = OAuthAccountDocument.From(account).ToBsonDocument();

        Assert.Equal(["_id", "user_id", "provider", "provider_user_id", "created_at", "updated_at"], document.Names);
        Assert.Equal(account, BsonSerializer.Deserialize<OAuthAccountDocument>(document).ToOAuthAccount());
    }

    [Fact]
    public void OAuthAccountsAreFoundByProviderAccountAndByUser()
    {
        var userId = ObjectId.GenerateNewId();

        Assert.Equal(
            new BsonDocument { { "provider", "google" }, { "provider_user_id", "google_unique_id" } },
            Render(MongoOAuthAccountStore.ProviderAccount("google", "google_unique_id")));
        Assert.Equal(new BsonDocument("user_id", userId), Render(MongoOAuthAccountStore.OfUser(userId)));
        Assert.Equal(new BsonDocument { { "user_id", userId }, { "provider", "google" } }, Render(MongoOAuthAccountStore.UserLink(userId, "google")));
    }

    [Fact]
    public void NewProviderTokensAreSetInOneUpdateThatKeepsAStoredRefreshToken()
    {
        var full = Render(MongoOAuthAccountStore.SetTokens(new ProviderTokens("a", "r", At), At));
        var accessOnly = Render(MongoOAuthAccountStore.SetTokens(new ProviderTokens("a", null, null), At));

        Assert.Equal(
            new BsonDocument("$set", new BsonDocument { { "access_token", "a" }, { "access_token_expires_at", AtBson }, { "updated_at", AtBson }, { "refresh_token", "r" } }),
            full);
        Assert.Equal(
            new BsonDocument
            {
                { "$set", new BsonDocument { { "access_token", "a" }, { "updated_at", AtBson } } },
                { "$unset", new BsonDocument("access_token_expires_at", 1) },
            },
            accessOnly);
    }

    [Fact]
    public void OAuthAccountsAreUniquePerProviderAccountAndPerUserAndProviderWithoutATtl()
    {
        Assert.Equal(new BsonDocument { { "provider", 1 }, { "provider_user_id", 1 } }, Render(MongoStoreLifecycle.UniqueProviderAccount.Keys));
        Assert.True(MongoStoreLifecycle.UniqueProviderAccount.Options.Unique);
        Assert.Equal(new BsonDocument { { "user_id", 1 }, { "provider", 1 } }, Render(MongoStoreLifecycle.UniqueUserProvider.Keys));
        Assert.True(MongoStoreLifecycle.UniqueUserProvider.Options.Unique);
        // A TTL on the provider token's expiry would delete the link itself within the hour.
        Assert.Null(MongoStoreLifecycle.UniqueProviderAccount.Options.ExpireAfter);
        Assert.Null(MongoStoreLifecycle.UniqueUserProvider.Options.ExpireAfter);
    }

    [Fact]
    public void TakingASignInCodeIsOneDeleteThatMatchesOnlyAnUnexpiredCode()
    {
        Assert.Equal(
            new BsonDocument { { "code_hash", "abc123" }, { "expires_at", new BsonDocument("$gt", AtBson) } },
            Render(MongoOAuthLoginCodeStore.Usable("abc123", At)));
    }

    [Fact]
    public void SignInCodesStoreTheHashWithAUniqueIndexAndATtl()
    {
        var code = new OAuthLoginCode(ObjectId.GenerateNewId().ToString(), "abc123", ObjectId.GenerateNewId().ToString(), At, At.AddSeconds(60));

        var document = OAuthLoginCodeDocument.From(code).ToBsonDocument();

        Assert.Equal(["_id", "code_hash", "user_id", "created_at", "expires_at"], document.Names);
        Assert.Equal(code, BsonSerializer.Deserialize<OAuthLoginCodeDocument>(document).ToOAuthLoginCode());
        Assert.Equal(new BsonDocument("code_hash", 1), Render(MongoStoreLifecycle.UniqueCodeHash.Keys));
        Assert.True(MongoStoreLifecycle.UniqueCodeHash.Options.Unique);
        Assert.Equal(new BsonDocument("expires_at", 1), Render(MongoStoreLifecycle.LoginCodesExpire.Keys));
        Assert.Equal(TimeSpan.Zero, MongoStoreLifecycle.LoginCodesExpire.Options.ExpireAfter);
    }
}
