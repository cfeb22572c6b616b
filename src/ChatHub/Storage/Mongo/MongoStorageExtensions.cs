using ChatHub.Email;
using ChatHub.Accounts;
using ChatHub.Accounts.OAuth;
using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Characters;
using ChatHub.Chat;
using ChatHub.Conversations;
using ChatHub.Usage;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

public static class MongoStorageExtensions
{
    /// <summary>Every store port backed by the MongoDB database the URL names, else <c>characterchat</c>.</summary>
    public static IServiceCollection AddMongoStorage(this IServiceCollection services, string connectionString)
    {
        var url = MongoUrl.Create(connectionString);
        services.AddSingleton<IMongoClient>(_ => new MongoClient(url));
        services.AddSingleton(sp => sp.GetRequiredService<IMongoClient>().GetDatabase(url.DatabaseName ?? "characterchat"));
        services.AddSingleton<IUserStore, MongoUserStore>();
        services.AddSingleton<IRefreshTokenStore, MongoRefreshTokenStore>();
        services.AddSingleton<IOAuthAccountStore, MongoOAuthAccountStore>();
        services.AddSingleton<IOAuthLoginCodeStore, MongoOAuthLoginCodeStore>();
        services.AddSingleton<ICharacterStore, MongoCharacterStore>();
        services.AddOptions<ChatSettings>();
        services.AddLogging();
        services.AddSingleton<MessageBuckets>();
        services.AddSingleton<IConversationStore, MongoConversationStore>();
        services.AddSingleton<ITwoFactorStore, MongoTwoFactorStore>();
        services.AddSingleton<IMailOutbox, MongoMailOutbox>();
        services.AddSingleton<IUsageStore, MongoUsageStore>();
        services.AddKeyedSingleton<IOneTimeTokenStore>(OneTimeTokenKind.PasswordReset, (sp, _) =>
            new MongoOneTimeTokenStore<PasswordResetDocument>(sp.GetRequiredService<IMongoDatabase>().PasswordResets()));
        services.AddKeyedSingleton<IOneTimeTokenStore>(OneTimeTokenKind.AccountDeletion, (sp, _) =>
            new MongoOneTimeTokenStore<AccountDeletionRequestDocument>(sp.GetRequiredService<IMongoDatabase>().AccountDeletionRequests()));
        services.AddKeyedSingleton<IOneTimeTokenStore>(OneTimeTokenKind.LoginChallenge, (sp, _) =>
            new MongoOneTimeTokenStore<LoginChallengeDocument>(sp.GetRequiredService<IMongoDatabase>().LoginChallenges()));
        services.AddSingleton<IStoreLifecycle, MongoStoreLifecycle>();
        return services;
    }
}
