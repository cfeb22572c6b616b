using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoStoreLifecycle(IMongoDatabase database) : IStoreLifecycle
{
    internal static readonly CreateIndexModel<MailOutboxDocument> MailsByDue = new(
        Builders<MailOutboxDocument>.IndexKeys.Ascending(d => d.DueAt));

    /// <summary>Serves a user's usage by day (their page, their budget).</summary>
    internal static readonly CreateIndexModel<UsageDocument> UsageByUser = new(
        Builders<UsageDocument>.IndexKeys.Ascending(d => d.UserId).Ascending(d => d.Day));

    /// <summary>Serves the admin's top users over a range of days.</summary>
    internal static readonly CreateIndexModel<UsageDocument> UsageByDay = new(
        Builders<UsageDocument>.IndexKeys.Ascending(d => d.Day));

    internal static readonly CreateIndexModel<UserDocument> UniqueEmail = new(
        Builders<UserDocument>.IndexKeys.Ascending(d => d.Email),
        new CreateIndexOptions { Unique = true });

    /// <summary>Serves "the user's conversations, most recently updated first" without a sort in memory.</summary>
    internal static readonly CreateIndexModel<ConversationDocument> ConversationsByUser = new(
        Builders<ConversationDocument>.IndexKeys.Ascending(d => d.UserId).Descending(d => d.UpdatedAt));

    /// <summary>
    /// Conversation search: the words of titles and messages, under the user's id, so a search (which must name the user) reads only
    /// that user's entries. Language "none": words are neither stemmed nor dropped as stop words, as in the SQLite store.
    /// </summary>
    internal static readonly CreateIndexModel<ConversationDocument> ConversationsByWord = new(
        Builders<ConversationDocument>.IndexKeys.Ascending(d => d.UserId).Text(d => d.Title).Text("messages.message"),
        new CreateIndexOptions { Name = "conversations_search", DefaultLanguage = "none" });

    /// <summary>Serves counting a user's characters (the quota) and "my characters".</summary>
    /// <summary>
    /// A conversation's buckets: one per number (two roll-overs at once write the same one), and each message found by index by its
    /// id, its parent (its alternatives) and its client message id (a retry), never by reading the conversation whole.
    /// </summary>
    internal static readonly CreateIndexModel<BucketDocument>[] BucketIndexes =
    [
        new(Builders<BucketDocument>.IndexKeys.Ascending(b => b.ConversationId).Ascending(b => b.Number), new CreateIndexOptions { Unique = true }),
        new(Builders<BucketDocument>.IndexKeys.Ascending(b => b.ConversationId).Ascending("messages.id")),
        new(Builders<BucketDocument>.IndexKeys.Ascending(b => b.ConversationId).Ascending("messages.parent_id")),
        new(Builders<BucketDocument>.IndexKeys.Ascending(b => b.ConversationId).Ascending("messages.client_message_id")),
        new(Builders<BucketDocument>.IndexKeys.Ascending(b => b.UserId).Text("messages.message"),
            new CreateIndexOptions { Name = "conversation_messages_search", DefaultLanguage = "none" }),
    ];

    internal static readonly CreateIndexModel<CharacterDocument> CharactersByOwner = new(
        Builders<CharacterDocument>.IndexKeys.Ascending(d => d.OwnerId).Ascending(d => d.DeletedAt));

    /// <summary>The catalogue's two orders, each ending on <c>_id</c> as its cursor does.</summary>
    internal static readonly CreateIndexModel<CharacterDocument> CharactersPopular = new(
        Builders<CharacterDocument>.IndexKeys.Descending(d => d.ConversationsStarted).Descending(d => d.Id));

    internal static readonly CreateIndexModel<CharacterDocument> CharactersNewest = new(
        Builders<CharacterDocument>.IndexKeys.Descending(d => d.CreatedAt).Descending(d => d.Id));

    /// <summary>Multikey: text search and the tag filter look up stored words, not patterns.</summary>
    internal static readonly CreateIndexModel<CharacterDocument> CharactersBySearchWord = new(
        Builders<CharacterDocument>.IndexKeys.Ascending(d => d.SearchWords));

    internal static readonly CreateIndexModel<CharacterDocument> CharactersByTag = new(
        Builders<CharacterDocument>.IndexKeys.Ascending(d => d.TagKeys));

    /// <summary>A refresh token is looked up by its hash, which is unique like the token it hashes.</summary>
    internal static readonly CreateIndexModel<RefreshTokenDocument> UniqueTokenHash = new(
        Builders<RefreshTokenDocument>.IndexKeys.Ascending(d => d.TokenHash),
        new CreateIndexOptions { Unique = true });

    /// <summary>TTL: MongoDB deletes a refresh token once its <c>expires_at</c> has passed.</summary>
    internal static readonly CreateIndexModel<RefreshTokenDocument> RefreshTokensExpire = new(
        Builders<RefreshTokenDocument>.IndexKeys.Ascending(d => d.ExpiresAt),
        new CreateIndexOptions { ExpireAfter = TimeSpan.Zero });

    /// <summary>Serves revoking a session (a family) and checking whether it was revoked.</summary>
    internal static readonly CreateIndexModel<RefreshTokenDocument> RefreshTokensByFamily = new(
        Builders<RefreshTokenDocument>.IndexKeys.Ascending(d => d.FamilyId));

    /// <summary>Serves revoking every session of a user.</summary>
    internal static readonly CreateIndexModel<RefreshTokenDocument> RefreshTokensByUser = new(
        Builders<RefreshTokenDocument>.IndexKeys.Ascending(d => d.UserId));

    /// <summary>A provider account links to one user, and sign-in finds the link by it.</summary>
    internal static readonly CreateIndexModel<OAuthAccountDocument> UniqueProviderAccount = new(
        Builders<OAuthAccountDocument>.IndexKeys.Ascending(d => d.Provider).Ascending(d => d.ProviderUserId),
        new CreateIndexOptions { Unique = true });

    /// <summary>One link per provider per user; also serves listing and deleting a user's links. No TTL: see the document.</summary>
    internal static readonly CreateIndexModel<OAuthAccountDocument> UniqueUserProvider = new(
        Builders<OAuthAccountDocument>.IndexKeys.Ascending(d => d.UserId).Ascending(d => d.Provider),
        new CreateIndexOptions { Unique = true });

    internal static readonly CreateIndexModel<OAuthLoginCodeDocument> UniqueCodeHash = new(
        Builders<OAuthLoginCodeDocument>.IndexKeys.Ascending(d => d.CodeHash),
        new CreateIndexOptions { Unique = true });

    /// <summary>TTL: MongoDB deletes a sign-in code once its <c>expires_at</c> has passed.</summary>
    internal static readonly CreateIndexModel<OAuthLoginCodeDocument> LoginCodesExpire = new(
        Builders<OAuthLoginCodeDocument>.IndexKeys.Ascending(d => d.ExpiresAt),
        new CreateIndexOptions { ExpireAfter = TimeSpan.Zero });

    /// <summary>One second factor per user; also what makes starting an enrolment over refuse a confirmed one.</summary>
    internal static readonly CreateIndexModel<TwoFactorDocument> UniqueTwoFactorUser = new(
        Builders<TwoFactorDocument>.IndexKeys.Ascending(d => d.UserId),
        new CreateIndexOptions { Unique = true });

    /// <summary>
    /// Every one-time token collection: looked up by its unique hash, deleted by the TTL monitor once
    /// <c>expires_at</c> has passed, and found by user (to count a user's live tokens, and to erase an account).
    /// </summary>
    internal static IReadOnlyList<CreateIndexModel<TDocument>> OneTimeTokenIndexes<TDocument>() where TDocument : OneTimeTokenDocument
    {
        var keys = Builders<TDocument>.IndexKeys;
        return
        [
            new(keys.Ascending(d => d.TokenHash), new CreateIndexOptions { Unique = true }),
            new(keys.Ascending(d => d.ExpiresAt), new CreateIndexOptions { ExpireAfter = TimeSpan.Zero }),
            new(keys.Ascending(d => d.UserId).Ascending(d => d.ExpiresAt)),
        ];
    }

    /// <summary>Creating an index that exists with the same keys and options is a no-op, so every node runs this at every start.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await database.Users().Indexes.CreateOneAsync(UniqueEmail, cancellationToken: cancellationToken);
        await database.Characters().Indexes.CreateManyAsync(
            [CharactersByOwner, CharactersPopular, CharactersNewest, CharactersBySearchWord, CharactersByTag], cancellationToken);
        await database.Conversations().Indexes.CreateManyAsync([ConversationsByUser, ConversationsByWord], cancellationToken);
        await database.ConversationMessages().Indexes.CreateManyAsync(BucketIndexes, cancellationToken);
        await database.RefreshTokens().Indexes.CreateManyAsync(
            [UniqueTokenHash, RefreshTokensExpire, RefreshTokensByFamily, RefreshTokensByUser], cancellationToken);
        await database.OAuthAccounts().Indexes.CreateManyAsync([UniqueProviderAccount, UniqueUserProvider], cancellationToken);
        await database.OAuthLoginCodes().Indexes.CreateManyAsync([UniqueCodeHash, LoginCodesExpire], cancellationToken);
        await database.TwoFactor().Indexes.CreateOneAsync(UniqueTwoFactorUser, cancellationToken: cancellationToken);
        await database.PasswordResets().Indexes.CreateManyAsync(OneTimeTokenIndexes<PasswordResetDocument>(), cancellationToken);
        await database.AccountDeletionRequests().Indexes.CreateManyAsync(OneTimeTokenIndexes<AccountDeletionRequestDocument>(), cancellationToken);
        await database.LoginChallenges().Indexes.CreateManyAsync(OneTimeTokenIndexes<LoginChallengeDocument>(), cancellationToken);
        await database.MailOutbox().Indexes.CreateOneAsync(MailsByDue, cancellationToken: cancellationToken);
        await database.Usage().Indexes.CreateManyAsync([UsageByUser, UsageByDay], cancellationToken);
    }

    public Task PingAsync(CancellationToken cancellationToken) =>
        database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
}
