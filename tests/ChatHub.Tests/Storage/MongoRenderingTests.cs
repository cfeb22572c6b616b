using ChatHub.Accounts;
using ChatHub.Accounts.Sessions;
using ChatHub.Accounts.TwoFactor;
using ChatHub.Characters;
using ChatHub.Conversations;
using ChatHub.Storage.Mongo;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;

namespace ChatHub.Tests.Storage;

/// <summary>
/// What the MongoDB adapter sends, rendered by the driver without a server: the same builders the
/// stores use, so a change to a filter or update shows up here.
/// </summary>
public sealed partial class MongoRenderingTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_742_342_460_123);
    private static readonly BsonDateTime AtBson = new(At.UtcDateTime);

    [Fact]
    public void UserMessageAppendIsOnePushOfTheMessageWithTheLeafGuardedByClientMessageIdAndTheParent()
    {
        var (conversationId, userId) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var (messageId, replyId, parentId) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var message = new StoredMessage(messageId.ToString(), "user", "Hello, Batman!", At, ClientMessageId: "c-1", ReplyId: replyId.ToString(), ParentId: parentId.ToString());

        var document = MessageDocument.From(message);
        var filter = Render(MongoConversationStore.AppendFilter(MongoConversationStore.OwnerFilter(conversationId, userId), document, 100)
            & MongoConversationStore.ParentThere(parentId));
        var update = Render(MongoConversationStore.AppendUpdate(document, 100));

        Assert.Equal(
            new BsonDocument
            {
                { "_id", conversationId },
                { "user_id", userId },
                { "messages.client_message_id", new BsonDocument("$ne", "c-1") },
                { "live_bytes", new BsonDocument("$lte", MessageBuckets.LiveBytesLimit - 100) },
                { "messages.id", parentId },
            },
            filter);
        Assert.Equal(
            new BsonDocument
            {
                {
                    "$push", new BsonDocument("messages", new BsonDocument
                    {
                        { "id", messageId },
                        { "sender", "user" },
                        { "message", "Hello, Batman!" },
                        { "timestamp", AtBson },
                        { "client_message_id", "c-1" },
                        { "reply_id", replyId },
                        { "parent_id", parentId },
                    })
                },
                { "$set", new BsonDocument { { "leaf_id", messageId }, { "awaiting_reply_id", replyId } } },
                { "$max", new BsonDocument("updated_at", AtBson) },
                { "$inc", new BsonDocument { { "live_count", 1 }, { "live_bytes", 100L } } },
            },
            update);
    }

    [Fact]
    public void ReplyAppendIsOnePushThatMovesTheLeafGuardedByTheReplyIdAndItsParent()
    {
        var conversationId = ObjectId.GenerateNewId();
        var (replyId, userMessageId) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var reply = new StoredMessage(replyId.ToString(), "ai", "I am vengeance.", At, InReplyTo: userMessageId.ToString(), Status: "complete", ParentId: userMessageId.ToString());

        var document = MessageDocument.From(reply);
        var filter = Render(MongoConversationStore.AppendFilter(Builders<ConversationDocument>.Filter.Eq(d => d.Id, conversationId), document, 100)
            & MongoConversationStore.ParentThere(userMessageId));
        var update = Render(MongoConversationStore.AppendUpdate(document, 100));

        Assert.Equal(
            new BsonDocument("$and", new BsonArray
            {
                new BsonDocument("_id", conversationId),
                new BsonDocument("messages.id", new BsonDocument("$ne", replyId)),
                new BsonDocument("live_bytes", new BsonDocument("$lte", MessageBuckets.LiveBytesLimit - 100)),
                new BsonDocument("messages.id", userMessageId),
            }),
            filter);
        Assert.Equal(
            new BsonDocument
            {
                {
                    "$push", new BsonDocument("messages", new BsonDocument
                    {
                        { "id", replyId },
                        { "sender", "ai" },
                        { "message", "I am vengeance." },
                        { "timestamp", AtBson },
                        { "in_reply_to", userMessageId },
                        { "status", "complete" },
                        { "parent_id", userMessageId },
                    })
                },
                { "$set", new BsonDocument("leaf_id", replyId) },
                { "$max", new BsonDocument("updated_at", AtBson) },
                { "$inc", new BsonDocument { { "live_count", 1 }, { "live_bytes", 100L } } },
                { "$unset", new BsonDocument("awaiting_reply_id", 1) },
            },
            update);
    }

    [Fact]
    public void ConversationReadsAndDeletesMatchTheIdAndTheOwner()
    {
        var (conversationId, userId) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId());

        var filter = Render(MongoConversationStore.OwnerFilter(conversationId, userId));

        Assert.Equal(new BsonDocument { { "_id", conversationId }, { "user_id", userId } }, filter);
    }

    [Fact]
    public void BranchReadsFirstReadOnlyTheIdsAndParentsOfTheMessages()
    {
        var projection = Render(MongoConversationStore.TreeOnly);

        Assert.Equal(
            new BsonDocument { { "leaf_id", 1 }, { "buckets", 1 }, { "edits", 1 }, { "messages.id", 1 }, { "messages.parent_id", 1 }, { "messages.root", 1 } },
            projection);
    }

    [Fact]
    public void AMessageWrittenBeforeTreesFollowsTheOneBeforeItAndAFirstMessageIsMarked()
    {
        var (a, b, c) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId(), ObjectId.GenerateNewId());
        var rootMessage = new StoredMessage(c.ToString(), "ai", "Welcome.", At);
        var root = MessageDocument.From(rootMessage).ToBsonDocument();
        var tree = MessageTree.Of(BsonSerializer.Deserialize<TreeDocument>(new BsonDocument("messages", new BsonArray
        {
            new BsonDocument("id", a), new BsonDocument("id", b), root,
        })));

        Assert.True(root["root"].AsBoolean);
        Assert.Equal([a.ToString(), b.ToString()], tree.PathTo(b.ToString()).Select(tree.IdAt));
        Assert.Equal([c.ToString()], tree.PathTo(c.ToString()).Select(tree.IdAt));
        Assert.Equal(c.ToString(), tree.LeafId);
    }

    [Fact]
    public void CharacterUpdateSetsTheEditableFieldsAndNotTheOwnerModerationDeletionPopularityOrAvatar()
    {
        var character = new Character(
            ObjectId.GenerateNewId().ToString(), "Batman", "A brooding vigilante of Gotham City.",
            ["serious", "determined"], ["Gotham"], 0.7, 500, At.AddDays(-1), At)
        {
            OwnerId = ObjectId.GenerateNewId().ToString(),
            Card = CardFields.Empty with { Tags = ["Hero"] },
        };

        var update = Render(MongoCharacterStore.ReplaceEditable(CharacterDocument.From(character))).AsBsonDocument["$set"].AsBsonDocument;

        Assert.Equal(
            ["name", "description", "personality", "ai_settings", "updated_at", "visibility", "card", "search_words", "tag_keys"],
            update.Names);
        Assert.Equal(new BsonDocument { { "traits", new BsonArray { "serious", "determined" } }, { "knowledge_base", new BsonArray { "Gotham" } } }, update["personality"]);
        Assert.Equal(new BsonDocument { { "temperature", 0.7 }, { "max_tokens", 500 } }, update["ai_settings"]);
        Assert.Equal(AtBson, update["updated_at"]);
        Assert.Equal(new BsonArray { "hero" }, update["tag_keys"]);
    }

    [Fact]
    public void UserDocumentsKeepTheSeedFieldsButNoConversationsArray()
    {
        var user = new User(ObjectId.GenerateNewId().ToString(), "John Doe", "johndoe@example.com", "hash", Roles.Paid, At.AddDays(-1), At, TokenVersion: 3);

        var document = UserDocument.From(user).ToBsonDocument();

        Assert.Equal(["_id", "name", "email", "password_hash", "role", "created_at", "updated_at", "token_version", "persona"], document.Names);
        Assert.Equal(user, BsonSerializer.Deserialize<UserDocument>(document).ToUser());
    }

    [Fact]
    public void DocumentsReadBackAsTheRecordsTheyWereWrittenFrom()
    {
        var character = new Character(
            ObjectId.GenerateNewId().ToString(), "Batman", "A brooding vigilante.", ["serious"], ["Gotham", "justice"], 0.7, 500, At.AddDays(-1), At);
        var conversation = new Conversation(
            ObjectId.GenerateNewId().ToString(), ObjectId.GenerateNewId().ToString(), character.Id, At.AddDays(-1), At);
        var userMessage = new StoredMessage(
            ObjectId.GenerateNewId().ToString(), "user", "Hello", At, ClientMessageId: "c-1", ReplyId: ObjectId.GenerateNewId().ToString());
        var reply = new StoredMessage(
            userMessage.ReplyId!, "ai", "Hello.", At, InReplyTo: userMessage.Id, Status: "stopped");

        Assert.Equivalent(character, RoundTrip(CharacterDocument.From(character)).ToCharacter(), strict: true);
        Assert.Equal(conversation with { LeafId = reply.Id }, RoundTrip(ConversationDocument.From(conversation, [reply])).ToConversation());
        Assert.Equal(userMessage, RoundTrip(MessageDocument.From(userMessage)).ToStoredMessage());
        var edited = reply with { ParentId = userMessage.Id, Edited = true, RequestId = "r-1", Status = "complete" };
        Assert.Equal(edited, RoundTrip(MessageDocument.From(edited)).ToStoredMessage());
        Assert.Equal(reply, RoundTrip(MessageDocument.From(reply)).ToStoredMessage());

        static T RoundTrip<T>(T document) => BsonSerializer.Deserialize<T>(document.ToBsonDocument());
    }

    [Fact]
    public void UsersHaveAUniqueEmailIndex()
    {
        var index = MongoStoreLifecycle.UniqueEmail;

        Assert.Equal(new BsonDocument("email", 1), Render(index.Keys));
        Assert.True(index.Options.Unique);
    }

    [Fact]
    public void ConversationsAreIndexedByUserThenLatestUpdate()
    {
        var index = MongoStoreLifecycle.ConversationsByUser;

        Assert.Equal(new BsonDocument { { "user_id", 1 }, { "updated_at", -1 } }, Render(index.Keys));
        Assert.Null(index.Options);
    }

    [Fact]
    public void ANewNameIsSetWithoutTouchingTheTokenVersion()
    {
        var update = Render(MongoUserStore.Update(new UserChanges(At, Name: "Bruce")));

        Assert.Equal(new BsonDocument("$set", new BsonDocument { { "name", "Bruce" }, { "updated_at", AtBson } }), update);
    }

    [Fact]
    public void ANewPasswordOrRoleRaisesTheTokenVersionInTheSameUpdate()
    {
        var password = Render(MongoUserStore.Update(new UserChanges(At, PasswordHash: "hash")));
        var role = Render(MongoUserStore.Update(new UserChanges(At, Role: Roles.Paid)));

        Assert.Equal(RaisingVersion(new BsonDocument { { "password_hash", "hash" }, { "updated_at", AtBson } }), password);
        Assert.Equal(RaisingVersion(new BsonDocument { { "role", "paid" }, { "updated_at", AtBson } }), role);

        static BsonDocument RaisingVersion(BsonDocument set) =>
            new() { { "$set", set }, { "$inc", new BsonDocument("token_version", 1) } };
    }

    [Fact]
    public void UsersArePagedByIdAfterTheLastOneSeen()
    {
        var after = ObjectId.GenerateNewId();

        Assert.Equal(new BsonDocument("_id", new BsonDocument("$gt", after)), Render(MongoUserStore.After(after)));
        Assert.Equal(new BsonDocument(), Render(MongoUserStore.After(null)));
    }

    [Fact]
    public void UsingARefreshTokenIsOneUpdateThatMatchesOnlyAnUnusedUnrevokedUnexpiredToken()
    {
        var filter = Render(MongoRefreshTokenStore.Usable("abc123", At));
        var update = Render(MongoRefreshTokenStore.MarkUsed);

        Assert.Equal(
            new BsonDocument
            {
                { "token_hash", "abc123" },
                { "used", false },
                { "revoked", false },
                { "expires_at", new BsonDocument("$gt", AtBson) },
            },
            filter);
        Assert.Equal(new BsonDocument("$set", new BsonDocument("used", true)), update);
    }

    [Fact]
    public void RefreshTokensAreRevokedByFamilyOrByUser()
    {
        var (familyId, userId) = (ObjectId.GenerateNewId(), ObjectId.GenerateNewId());

        Assert.Equal(new BsonDocument("family_id", familyId), Render(MongoRefreshTokenStore.Family(familyId)));
        Assert.Equal(new BsonDocument { { "family_id", familyId }, { "revoked", true } }, Render(MongoRefreshTokenStore.RevokedInFamily(familyId)));
        Assert.Equal(new BsonDocument("user_id", userId), Render(MongoRefreshTokenStore.OfUser(userId)));
        Assert.Equal(new BsonDocument("$set", new BsonDocument("revoked", true)), Render(MongoRefreshTokenStore.Revoke));
    }

    [Fact]
    public void RefreshTokenDocumentsStoreTheHashAndReadBackEqual()
    {
        var token = new RefreshToken(
            ObjectId.GenerateNewId().ToString(), "abc123", ObjectId.GenerateNewId().ToString(), ObjectId.GenerateNewId().ToString(),
            At, At.AddDays(30), Used: true);

        var document = RefreshTokenDocument.From(token).ToBsonDocument();

        Assert.Equal(["_id", "token_hash", "family_id", "user_id", "created_at", "expires_at", "used", "revoked"], document.Names);
        Assert.IsType<BsonDateTime>(document["expires_at"]);
        Assert.Equal(token, BsonSerializer.Deserialize<RefreshTokenDocument>(document).ToRefreshToken());
    }

    [Fact]
    public void RefreshTokensHaveAUniqueHashATtlOnExpiryAndIndexesForRevocation()
    {
        Assert.Equal(new BsonDocument("token_hash", 1), Render(MongoStoreLifecycle.UniqueTokenHash.Keys));
        Assert.True(MongoStoreLifecycle.UniqueTokenHash.Options.Unique);
        Assert.Equal(new BsonDocument("expires_at", 1), Render(MongoStoreLifecycle.RefreshTokensExpire.Keys));
        Assert.Equal(TimeSpan.Zero, MongoStoreLifecycle.RefreshTokensExpire.Options.ExpireAfter);
        Assert.Equal(new BsonDocument("family_id", 1), Render(MongoStoreLifecycle.RefreshTokensByFamily.Keys));
        Assert.Equal(new BsonDocument("user_id", 1), Render(MongoStoreLifecycle.RefreshTokensByUser.Keys));
    }

    [Fact]
    public void UsersAreDeletedByIdAndTheirRefreshTokensByUser()
    {
        var userId = ObjectId.GenerateNewId();

        Assert.Equal(new BsonDocument("user_id", userId), Render(MongoRefreshTokenStore.OfUser(userId)));
    }

    [Fact]
    public void UsingAOneTimeTokenIsOneFindAndDeleteThatMatchesOnlyAnUnexpiredHash()
    {
        var userId = ObjectId.GenerateNewId();

        Assert.Equal(
            new BsonDocument { { "token_hash", "abc123" }, { "expires_at", new BsonDocument("$gt", AtBson) } },
            Render(MongoOneTimeTokenStore<PasswordResetDocument>.Live("abc123", At)));
        Assert.Equal(
            new BsonDocument { { "user_id", userId }, { "expires_at", new BsonDocument("$gt", AtBson) } },
            Render(MongoOneTimeTokenStore<AccountDeletionRequestDocument>.LiveOfUser(userId, At)));
        Assert.Equal(new BsonDocument("user_id", userId), Render(MongoOneTimeTokenStore<LoginChallengeDocument>.OfUser(userId)));
    }

    [Fact]
    public void OneTimeTokenDocumentsUseTheSeedNamesAndNoTypeDiscriminator()
    {
        var token = new OneTimeToken(
            ObjectId.GenerateNewId().ToString(), "abc123", ObjectId.GenerateNewId().ToString(), "johndoe@example.com", At, At.AddMinutes(30));

        var reset = OneTimeTokenDocument.From<PasswordResetDocument>(token).ToBsonDocument();
        var deletion = OneTimeTokenDocument.From<AccountDeletionRequestDocument>(token).ToBsonDocument();
        var challenge = OneTimeTokenDocument.From<LoginChallengeDocument>(token).ToBsonDocument();

        Assert.Equal(["_id", "token_hash", "user_id", "created_at", "expires_at", "email"], reset.Names);
        Assert.Equal(["_id", "token_hash", "user_id", "created_at", "expires_at", "user_email"], deletion.Names);
        Assert.Equal(reset.Names, challenge.Names);
        Assert.IsType<BsonDateTime>(reset["expires_at"]);
        Assert.Equal(token, BsonSerializer.Deserialize<PasswordResetDocument>(reset).ToToken());
        Assert.Equal(token, BsonSerializer.Deserialize<AccountDeletionRequestDocument>(deletion).ToToken());
        Assert.Equal(token, BsonSerializer.Deserialize<LoginChallengeDocument>(challenge).ToToken());
    }

    [Fact]
    public void EveryOneTimeTokenCollectionHasAUniqueHashATtlOnExpiryAndAnIndexByUser()
    {
        AssertIndexes(MongoStoreLifecycle.OneTimeTokenIndexes<PasswordResetDocument>());
        AssertIndexes(MongoStoreLifecycle.OneTimeTokenIndexes<AccountDeletionRequestDocument>());
        AssertIndexes(MongoStoreLifecycle.OneTimeTokenIndexes<LoginChallengeDocument>());

        static void AssertIndexes<T>(IReadOnlyList<CreateIndexModel<T>> indexes)
        {
            Assert.Equal(3, indexes.Count);
            Assert.Equal(new BsonDocument("token_hash", 1), Render(indexes[0].Keys));
            Assert.True(indexes[0].Options.Unique);
            Assert.Equal(new BsonDocument("expires_at", 1), Render(indexes[1].Keys));
            Assert.Equal(TimeSpan.Zero, indexes[1].Options.ExpireAfter);
            Assert.Equal(new BsonDocument { { "user_id", 1 }, { "expires_at", 1 } }, Render(indexes[2].Keys));
        }
    }

    [Fact]
    public void StartingAnEnrolmentIsAnUpsertOnTheUsersUnconfirmedDocument()
    {
        var userId = ObjectId.GenerateNewId();

        Assert.Equal(new BsonDocument { { "user_id", userId }, { "confirmed_at", BsonNull.Value } }, Render(MongoTwoFactorStore.Unconfirmed(userId)));
        Assert.Equal(
            new BsonDocument("$set", new BsonDocument
            {
                { "secret", "protected" }, { "backup_codes", new BsonArray() }, { "created_at", AtBson }, { "last_used_step", 0L },
            }),
            Render(MongoTwoFactorStore.Begin("protected", At)));
        Assert.Equal(new BsonDocument("user_id", 1), Render(MongoStoreLifecycle.UniqueTwoFactorUser.Keys));
        Assert.True(MongoStoreLifecycle.UniqueTwoFactorUser.Options.Unique);
    }

    [Fact]
    public void ConfirmingSetsTheCodesAndTheFirstStepInOneUpdate()
    {
        Assert.Equal(
            new BsonDocument("$set", new BsonDocument
            {
                { "confirmed_at", AtBson }, { "backup_codes", new BsonArray { "h1", "h2" } }, { "last_used_step", 100L },
            }),
            Render(MongoTwoFactorStore.Confirm(["h1", "h2"], 100, At)));
    }

    [Fact]
    public void ATimeStepOrABackupCodeIsUsedUpByOneConditionalUpdate()
    {
        var userId = ObjectId.GenerateNewId();
        var confirmed = new BsonDocument { { "user_id", userId }, { "confirmed_at", new BsonDocument("$ne", BsonNull.Value) } };

        Assert.Equal(
            new BsonDocument(confirmed) { { "last_used_step", new BsonDocument("$lt", 101L) } },
            Render(MongoTwoFactorStore.StepUnused(userId, 101)));
        Assert.Equal(new BsonDocument(confirmed) { { "backup_codes", "h1" } }, Render(MongoTwoFactorStore.HoldingCode(userId, "h1")));
        Assert.Equal(new BsonDocument("$pull", new BsonDocument("backup_codes", "h1")), Render(MongoTwoFactorStore.PullCode("h1")));
    }

    [Fact]
    public void TwoFactorDocumentsKeepTheSeedFieldsAndReadBack()
    {
        var document = new TwoFactorDocument
        {
            Id = ObjectId.GenerateNewId(), UserId = ObjectId.GenerateNewId(), Secret = "protected", BackupCodes = ["h1"],
            CreatedAt = At.AddMinutes(-1), ConfirmedAt = At, LastUsedStep = 100,
        };

        var bson = document.ToBsonDocument();

        Assert.Equal(["_id", "user_id", "secret", "backup_codes", "created_at", "confirmed_at", "last_used_step"], bson.Names);
        Assert.Equivalent(
            new TwoFactorEnrollment(document.UserId.ToString(), "protected", ["h1"], At.AddMinutes(-1), At, 100),
            BsonSerializer.Deserialize<TwoFactorDocument>(bson).ToEnrollment(), strict: true);
    }

    private static BsonDocument Render<T>(FilterDefinition<T> filter) => filter.Render(Args<T>());

    private static BsonValue Render<T>(UpdateDefinition<T> update) => update.Render(Args<T>());

    /// <summary>As a find command renders it: in a pipeline the same projection takes another form.</summary>
    private static BsonDocument Render<T>(ProjectionDefinition<T> projection) => projection.Render(Args<T>(renderForFind: true));

    private static BsonDocument Render<T>(IndexKeysDefinition<T> keys) => keys.Render(Args<T>());

    private static RenderArgs<T> Args<T>(bool renderForFind = false) =>
        new(BsonSerializer.SerializerRegistry.GetSerializer<T>(), BsonSerializer.SerializerRegistry, renderForFind: renderForFind);
}
