using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

/// <summary>The collection names (the seed's, <c>refresh_tokens</c>, <c>oauth_login_codes</c>, <c>login_challenges</c>, <c>mail_outbox</c> and <c>usage</c>), in one place.</summary>
internal static class MongoCollections
{
    public static IMongoCollection<UserDocument> Users(this IMongoDatabase database) =>
        database.GetCollection<UserDocument>("users");

    public static IMongoCollection<CharacterDocument> Characters(this IMongoDatabase database) =>
        database.GetCollection<CharacterDocument>("characters");

    public static IMongoCollection<AvatarDocument> CharacterAvatars(this IMongoDatabase database) =>
        database.GetCollection<AvatarDocument>("character_avatars");

    public static IMongoCollection<CharacterReportDocument> CharacterReports(this IMongoDatabase database) =>
        database.GetCollection<CharacterReportDocument>("character_reports");

    public static IMongoCollection<ConversationDocument> Conversations(this IMongoDatabase database) =>
        database.GetCollection<ConversationDocument>("conversations");

    /// <summary>The buckets of older messages that a conversation document rolled over (<see cref="MessageBuckets"/>).</summary>
    public static IMongoCollection<BucketDocument> ConversationMessages(this IMongoDatabase database) =>
        database.GetCollection<BucketDocument>("conversation_messages");

    public static IMongoCollection<RefreshTokenDocument> RefreshTokens(this IMongoDatabase database) =>
        database.GetCollection<RefreshTokenDocument>("refresh_tokens");

    public static IMongoCollection<OAuthAccountDocument> OAuthAccounts(this IMongoDatabase database) =>
        database.GetCollection<OAuthAccountDocument>("oauth_accounts");

    public static IMongoCollection<OAuthLoginCodeDocument> OAuthLoginCodes(this IMongoDatabase database) =>
        database.GetCollection<OAuthLoginCodeDocument>("oauth_login_codes");

    public static IMongoCollection<TwoFactorDocument> TwoFactor(this IMongoDatabase database) =>
        database.GetCollection<TwoFactorDocument>("two_factor");

    public static IMongoCollection<PasswordResetDocument> PasswordResets(this IMongoDatabase database) =>
        database.GetCollection<PasswordResetDocument>("password_resets");

    public static IMongoCollection<AccountDeletionRequestDocument> AccountDeletionRequests(this IMongoDatabase database) =>
        database.GetCollection<AccountDeletionRequestDocument>("account_deletion_requests");

    public static IMongoCollection<LoginChallengeDocument> LoginChallenges(this IMongoDatabase database) =>
        database.GetCollection<LoginChallengeDocument>("login_challenges");

    public static IMongoCollection<MailOutboxDocument> MailOutbox(this IMongoDatabase database) =>
        database.GetCollection<MailOutboxDocument>("mail_outbox");

    public static IMongoCollection<UsageDocument> Usage(this IMongoDatabase database) =>
        database.GetCollection<UsageDocument>("usage");

    /// <summary>False when the document collides with a unique index (its <c>_id</c> or another): the port's "already exists".</summary>
    public static async Task<bool> TryInsertAsync<TDocument>(this IMongoCollection<TDocument> collection, TDocument document, CancellationToken cancellationToken)
    {
        try
        {
            await collection.InsertOneAsync(document, cancellationToken: cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }
}
