using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Storage;
using ChatHub.Tests.Support;
using ChatHub.Usage;

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
public abstract partial class StoreContractTests
{
    protected abstract Task<Stores> OpenStoresAsync();

    /// <summary>
    /// True against the MongoDB-wire test server (CI's stand-in for MongoDB, named by CHATHUB_TEST_MONGODB_WIRE=1),
    /// which lacks some of MongoDB's features; against a real MongoDB every test runs.
    /// </summary>
    protected virtual bool OnMongoWire => false;

    /// <summary>Skips a test that needs a feature the MongoDB-wire server lacks, only when running against it.</summary>
    protected void SkipOnMongoWire(string feature) =>
        Assert.SkipWhen(OnMongoWire, $"The MongoDB-wire test server lacks what this test needs ({feature}); it runs against a real MongoDB.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Both stores keep milliseconds; a time cut to them reads back equal.
    protected static DateTimeOffset Now => TimeProvider.System.UtcNowMs();

    // Users

    [Fact]
    public async Task CreatedUserIsFoundByIdAndByEmail()
    {
        await using var stores = await OpenStoresAsync();
        var user = NewUser();

        Assert.True(await stores.Users.TryCreateAsync(user, Ct));

        Assert.Equal(user, await stores.Users.FindByIdAsync(user.Id, Ct));
        Assert.Equal(user, await stores.Users.FindByEmailAsync(user.Email, Ct));
    }

    [Fact]
    public async Task SecondUserWithTheSameEmailIsRefusedAndTheFirstIsKept()
    {
        await using var stores = await OpenStoresAsync();
        var first = NewUser();
        var second = NewUser() with { Email = first.Email, Name = "Someone Else" };
        await stores.Users.TryCreateAsync(first, Ct);

        Assert.False(await stores.Users.TryCreateAsync(second, Ct));

        Assert.Equal(first, await stores.Users.FindByEmailAsync(first.Email, Ct));
        Assert.Null(await stores.Users.FindByIdAsync(second.Id, Ct));
    }

    [Fact]
    public async Task APersonaIsStoredAndLeftAsItIsByOtherChanges()
    {
        await using var stores = await OpenStoresAsync();
        var user = NewUser();
        await stores.Users.TryCreateAsync(user, Ct);

        await stores.Users.UpdateAsync(user.Id, new UserChanges(Now, Persona: "A reporter from Metropolis."), Ct);
        var renamed = await stores.Users.UpdateAsync(user.Id, new UserChanges(Now, Name: "Lois"), Ct);

        Assert.Equal(("Lois", "A reporter from Metropolis."), (renamed?.Name, renamed?.Persona));
        Assert.Equal(renamed, await stores.Users.FindByIdAsync(user.Id, Ct));
    }

    [Fact]
    public async Task UnknownUserIdOrEmailFindsNoOne()
    {
        await using var stores = await OpenStoresAsync();

        Assert.Null(await stores.Users.FindByIdAsync(Ids.New(), Ct));
        Assert.Null(await stores.Users.FindByEmailAsync(NewUser().Email, Ct));
    }

    // Characters

    [Fact]
    public async Task CreatedCharacterReadsBackEqualWithEveryCardField()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter() with { Card = FullCard(), Visibility = CharacterVisibility.Unlisted, ConversationsStarted = 2, ModelProfile = "backup" };

        Assert.True(await stores.Characters.TryCreateAsync(character, Ct));

        AssertSameCharacter(character, await stores.Characters.GetAsync(character.Id, Ct));
    }

    [Fact]
    public async Task CreatingACharacterWithATakenIdIsRefused()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();
        await stores.Characters.TryCreateAsync(character, Ct);

        Assert.False(await stores.Characters.TryCreateAsync(NewCharacter() with { Id = character.Id }, Ct));

        AssertSameCharacter(character, await stores.Characters.GetAsync(character.Id, Ct));
    }

    [Fact]
    public async Task UpdateChangesTheEditableFieldsButNotTheOwnerCreationModerationOrPopularity()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter() with { Hidden = true, ConversationsStarted = 4 };
        await stores.Characters.TryCreateAsync(character, Ct);
        var changed = new Character(
            character.Id, "Robin", "The Boy Wonder.", ["loyal", "quick"], ["acrobatics"], 0.3, 200,
            CreatedAt: Now.AddDays(1), UpdatedAt: Now.AddHours(1))
        {
            OwnerId = Ids.New(),
            Visibility = CharacterVisibility.Unlisted,
            Card = FullCard() with { Scenario = "A rooftop at night." },
            ModelProfile = "fast",
        };

        Assert.True(await stores.Characters.UpdateAsync(changed, Ct));

        AssertSameCharacter(changed with { CreatedAt = character.CreatedAt, OwnerId = character.OwnerId, Hidden = true, ConversationsStarted = 4 },
            await stores.Characters.GetAsync(character.Id, Ct));
    }

    [Fact]
    public async Task UpdatingAnUnknownCharacterReturnsFalse()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();

        Assert.False(await stores.Characters.UpdateAsync(character, Ct));

        Assert.Null(await stores.Characters.GetAsync(character.Id, Ct));
    }

    [Fact]
    public async Task ADeletedCharacterIsStillReadForItsConversationsButNoLongerChangesOrCounts()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();
        await stores.Characters.TryCreateAsync(character, Ct);
        var at = Now.AddMinutes(5);

        Assert.True(await stores.Characters.DeleteAsync(character.Id, at, Ct));

        AssertSameCharacter(character with { DeletedAt = at }, await stores.Characters.GetAsync(character.Id, Ct));
        Assert.False(await stores.Characters.DeleteAsync(character.Id, at, Ct));
        Assert.False(await stores.Characters.UpdateAsync(character with { Name = "Back again" }, Ct));
        Assert.Equal(0, await stores.Characters.CountOwnedAsync(character.OwnerId!, Ct));
        Assert.False(await stores.Characters.DeleteAsync(Ids.New(), at, Ct));
    }

    [Fact]
    public async Task OwnedCharactersAreCountedPerOwnerLeavingOutDeletedOnes()
    {
        await using var stores = await OpenStoresAsync();
        var owner = Ids.New();
        Character[] mine = [NewCharacter(owner), NewCharacter(owner), NewCharacter(owner)];
        foreach (var character in mine.Append(NewCharacter())) await stores.Characters.TryCreateAsync(character, Ct);
        await stores.Characters.DeleteAsync(mine[0].Id, Now, Ct);

        Assert.Equal(2, await stores.Characters.CountOwnedAsync(owner, Ct));
    }

    [Fact]
    public async Task ConversationsStartedAreCountedOncePerStartEvenWhenConcurrent()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();
        await stores.Characters.TryCreateAsync(character, Ct);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => stores.Characters.CountConversationStartedAsync(character.Id, Ct))).Bounded();

        Assert.Equal(10, (await stores.Characters.GetAsync(character.Id, Ct))?.ConversationsStarted);
    }

    [Fact]
    public async Task HidingAndUnhidingIsStored()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();
        await stores.Characters.TryCreateAsync(character, Ct);

        Assert.True(await stores.Characters.SetHiddenAsync(character.Id, true, Ct));
        Assert.True((await stores.Characters.GetAsync(character.Id, Ct))?.Hidden);
        Assert.True(await stores.Characters.SetHiddenAsync(character.Id, false, Ct));
        Assert.False((await stores.Characters.GetAsync(character.Id, Ct))?.Hidden);
        Assert.False(await stores.Characters.SetHiddenAsync(Ids.New(), true, Ct));
    }

    [Fact]
    public async Task AnyIsTrueOnceACharacterExists()
    {
        await using var stores = await OpenStoresAsync();
        Assert.False(await stores.Characters.AnyAsync(Ct));

        await stores.Characters.TryCreateAsync(NewCharacter(), Ct);

        Assert.True(await stores.Characters.AnyAsync(Ct));
    }

    // The catalogue

    [Fact]
    public async Task TheCatalogueShowsPublicCharactersAndTheViewersOwnButNotOthersPrivateUnlistedHiddenOrDeletedOnes()
    {
        await using var stores = await OpenStoresAsync();
        var viewer = Ids.New();
        var publicOne = NewCharacter();
        var mine = NewCharacter(viewer) with { Visibility = CharacterVisibility.Private };
        var mineHidden = NewCharacter(viewer) with { Hidden = true };
        Character[] unseen =
        [
            NewCharacter() with { Visibility = CharacterVisibility.Private },
            NewCharacter() with { Visibility = CharacterVisibility.Unlisted },
            NewCharacter() with { Hidden = true },
        ];
        var deleted = NewCharacter(viewer);
        foreach (var c in unseen.Concat([publicOne, mine, mineHidden, deleted])) await stores.Characters.TryCreateAsync(c, Ct);
        await stores.Characters.DeleteAsync(deleted.Id, Now, Ct);

        var all = await CatalogueIdsAsync(stores, Query(viewer));
        var onlyMine = await CatalogueIdsAsync(stores, Query(viewer) with { MineOnly = true });

        Assert.Equal(new[] { publicOne.Id, mine.Id, mineHidden.Id }.Order(), all.Order());
        Assert.Equal(new[] { mine.Id, mineHidden.Id }.Order(), onlyMine.Order());
    }

    [Fact]
    public async Task TextSearchNeedsEveryWordInTheNameDescriptionOrTagsInAnyCase()
    {
        await using var stores = await OpenStoresAsync();
        var viewer = Ids.New();
        var word = $"zq{Guid.NewGuid():N}"[..12];
        var byName = NewCharacter() with { Name = $"Captain {word}" };
        var byDescription = NewCharacter() with { Description = $"Sails the {word.ToUpperInvariant()} seas with pirates." };
        var byTag = NewCharacter() with { Card = CardFields.Empty with { Tags = [word, "Pirates"] } };
        foreach (var c in new[] { byName, byDescription, byTag, NewCharacter() }) await stores.Characters.TryCreateAsync(c, Ct);

        Assert.Equal(new[] { byName.Id, byDescription.Id, byTag.Id }.Order(), (await CatalogueIdsAsync(stores, Query(viewer, word))).Order());
        Assert.Equal(new[] { byDescription.Id, byTag.Id }.Order(), (await CatalogueIdsAsync(stores, Query(viewer, $"{word} PIRATES"))).Order());
    }

    [Theory]
    [InlineData("\" OR name:*")]
    [InlineData("NEAR(a b) AND NOT c")]
    [InlineData(".*(a+)+$")]
    [InlineData("{\"$where\": \"sleep(1000)\"}")]
    public async Task SearchTextIsNeverReadAsQuerySyntax(string typed)
    {
        await using var stores = await OpenStoresAsync();
        var literal = NewCharacter() with { Description = $"The words {string.Join(' ', SearchWords.Of(typed))} in order." };
        await stores.Characters.TryCreateAsync(literal, Ct);
        await stores.Characters.TryCreateAsync(NewCharacter() with { Name = "Zed", Description = "Quiet." }, Ct);

        Assert.Equal([literal.Id], await CatalogueIdsAsync(stores, Query(Ids.New(), typed)));
    }

    [Fact]
    public async Task TheTagFilterMatchesATagInAnyCase()
    {
        await using var stores = await OpenStoresAsync();
        var tag = $"Tag-{Guid.NewGuid():N}"[..12];
        var tagged = NewCharacter() with { Card = CardFields.Empty with { Tags = ["other", tag] } };
        await stores.Characters.TryCreateAsync(tagged, Ct);
        await stores.Characters.TryCreateAsync(NewCharacter(), Ct);

        Assert.Equal([tagged.Id], await CatalogueIdsAsync(stores, Query(Ids.New()) with { Tag = tag.ToLowerInvariant() }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheCatalogueIsPagedByCursorInItsOrderWithoutGapsOrRepeats(bool popular)
    {
        await using var stores = await OpenStoresAsync();
        // Two characters share each popularity, so the id must break the ties.
        var characters = Enumerable.Range(0, 5).Select(i => NewCharacter() with { CreatedAt = Now.AddMinutes(i), ConversationsStarted = i / 2 }).ToList();
        foreach (var c in characters) await stores.Characters.TryCreateAsync(c, Ct);
        var expected = (popular
            ? characters.OrderByDescending(c => c.ConversationsStarted).ThenByDescending(c => c.Id, StringComparer.Ordinal)
            : characters.OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id, StringComparer.Ordinal)).Select(c => c.Id).ToList();

        var seen = new List<string>();
        var pages = 0;
        CatalogueCursor? after = null;
        do
        {
            var page = await stores.Characters.SearchAsync(Query(Ids.New()) with { Popular = popular, After = after, Limit = 2 }, Ct);
            seen.AddRange(page.Characters.Select(c => c.Id));
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(expected, seen);
        Assert.Equal(3, pages);
    }

    // Avatars and reports

    [Fact]
    public async Task AnAvatarIsStoredWithItsEtagAndReplacedByTheNext()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();
        await stores.Characters.TryCreateAsync(character, Ct);

        Assert.True(await stores.Characters.SetAvatarAsync(character.Id, new Avatar([1, 2, 3], "first"), Ct));
        Assert.True(await stores.Characters.SetAvatarAsync(character.Id, new Avatar([4, 5], "second"), Ct));

        var avatar = await stores.Characters.GetAvatarAsync(character.Id, Ct);
        Assert.Equal([4, 5], avatar?.Png);
        Assert.Equal("second", avatar?.Etag);
        Assert.Equal("second", (await stores.Characters.GetAsync(character.Id, Ct))?.AvatarEtag);
        Assert.False(await stores.Characters.SetAvatarAsync(Ids.New(), new Avatar([1], "x"), Ct));
        Assert.Null(await stores.Characters.GetAvatarAsync(Ids.New(), Ct));
    }

    [Fact]
    public async Task ReportsAreListedNewestFirstPageByPage()
    {
        await using var stores = await OpenStoresAsync();
        var reports = Enumerable.Range(0, 3).Select(i => new CharacterReport(Ids.New(), Ids.New(), Ids.New(), $"Reason {i}", Now)).ToList();
        foreach (var report in reports) await stores.Characters.AddReportAsync(report, Ct);

        var first = await stores.Characters.ListReportsAsync(2, null, Ct);
        var second = await stores.Characters.ListReportsAsync(2, first[^1].Id, Ct);

        Assert.Equal([reports[2], reports[1]], first);
        Assert.Equal([reports[0]], second);
    }

    // Conversations

    [Fact]
    public async Task ConversationIsReadByItsOwnerOnly()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);

        Assert.Equal(conversation, await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
        Assert.Null(await stores.Conversations.GetAsync(conversation.Id, Ids.New(), Ct));
        Assert.Null(await stores.Conversations.GetMessagesAsync(conversation.Id, Ids.New(), 10, null, Ct));
    }

    [Fact]
    public async Task ListReturnsOnlyTheUsersConversationsMostRecentlyUpdatedFirst()
    {
        await using var stores = await OpenStoresAsync();
        var userId = Ids.New();
        var oldest = await CreateConversationAsync(stores, userId, Now.AddHours(-3));
        var newest = await CreateConversationAsync(stores, userId, Now.AddHours(-1));
        var middle = await CreateConversationAsync(stores, userId, Now.AddHours(-2));
        await CreateConversationAsync(stores);

        Assert.Equal([newest, middle, oldest], await stores.Conversations.ListAsync(userId, Ct));
    }

    [Fact]
    public async Task AnotherUserCannotDeleteAConversation()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);

        Assert.False(await stores.Conversations.DeleteAsync(conversation.Id, Ids.New(), Ct));

        Assert.Equal(conversation, await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
    }

    [Fact]
    public async Task DeletedConversationIsGoneWithItsMessages()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        await AppendUserMessagesAsync(stores, conversation, 2);

        Assert.True(await stores.Conversations.DeleteAsync(conversation.Id, conversation.UserId, Ct));

        Assert.Null(await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
        Assert.Null(await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct));
        Assert.False(await stores.Conversations.DeleteAsync(conversation.Id, conversation.UserId, Ct));
    }

    // Appending user messages

    [Fact]
    public async Task AppendedUserMessageReadsBackEqual()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var message = UserMessage();

        var result = await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct);

        Assert.Equal(new AppendResult(message, Appended: true), result);
        Assert.Equal([message], await AllMessagesAsync(stores, conversation));
    }

    [Fact]
    public async Task SameClientMessageIdAppendsOnceAndReturnsTheFirstMessage()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var first = UserMessage();
        var retry = UserMessage(first.ClientMessageId) with { Text = "Hello again, Batman!" };
        await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, first, Ct);

        var result = await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, retry, Ct);

        Assert.Equal(new AppendResult(first, Appended: false), result);
        Assert.Equal([first], await AllMessagesAsync(stores, conversation));
    }

    [Fact]
    public async Task AppendingToAnotherUsersConversationWritesNothing()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores, updatedAt: Now.AddHours(-1));

        Assert.Null(await stores.Conversations.AppendUserMessageAsync(conversation.Id, Ids.New(), UserMessage(), Ct));

        Assert.Empty(await AllMessagesAsync(stores, conversation));
        Assert.Equal(conversation, await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
    }

    [Fact]
    public async Task AppendingToAnUnknownConversationReturnsNull()
    {
        await using var stores = await OpenStoresAsync();

        Assert.Null(await stores.Conversations.AppendUserMessageAsync(Ids.New(), Ids.New(), UserMessage(), Ct));
    }

    [Fact]
    public async Task AppendingAUserMessageBumpsTheConversationsUpdatedAt()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores, updatedAt: Now.AddHours(-1));
        var message = UserMessage();

        await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct);

        var updated = await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct);
        Assert.Equal(conversation with { UpdatedAt = message.Timestamp, LeafId = message.Id }, updated);
    }

    [Fact]
    public async Task ConcurrentAppendsOfDistinctMessagesAllLand()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var messages = Enumerable.Range(0, 20).Select(i => UserMessage() with { Text = $"Message {i}" }).ToList();

        var results = await Task.WhenAll(messages.Select(m =>
            stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, m, Ct))).Bounded();

        Assert.All(results, r => Assert.True(r?.Appended));
        // Each is a first message: they are alternatives of each other, and the last written is the leaf.
        var stored = await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, messages[0].Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(messages.OrderBy(m => m.Id, StringComparer.Ordinal), stored.OrderBy(m => m.Id, StringComparer.Ordinal));
        var leaf = (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.LeafId;
        Assert.Equal(stored[^1].Id, leaf);
    }

    [Fact]
    public async Task ConcurrentAppendsWithOneClientMessageIdStoreItOnce()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var clientMessageId = Guid.NewGuid().ToString("N");
        var attempts = Enumerable.Range(0, 10).Select(i => UserMessage(clientMessageId) with { Text = $"Attempt {i}" }).ToList();

        var results = await Task.WhenAll(attempts.Select(m =>
            stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, m, Ct))).Bounded();

        var stored = Assert.Single(await AllMessagesAsync(stores, conversation));
        Assert.Contains(stored, attempts);
        Assert.All(results, r => Assert.Equal(stored, r?.Message));
        Assert.Single(results, r => r!.Appended);
    }

    [Fact]
    public async Task FindByClientMessageIdFindsTheMessageForItsOwnerOnly()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var message = UserMessage();
        await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct);
        var clientMessageId = message.ClientMessageId!;

        Assert.Equal(message, await stores.Conversations.FindByClientMessageIdAsync(conversation.Id, conversation.UserId, clientMessageId, Ct));
        Assert.Null(await stores.Conversations.FindByClientMessageIdAsync(conversation.Id, Ids.New(), clientMessageId, Ct));
        Assert.Null(await stores.Conversations.FindByClientMessageIdAsync(conversation.Id, conversation.UserId, Guid.NewGuid().ToString("N"), Ct));
    }

    // Appending replies

    [Fact]
    public async Task AppendedReplyIsStoredWithWhatItAnswersAndHowItEnded()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var question = (await AppendUserMessagesAsync(stores, conversation, 1))[0];
        var reply = Reply(question, MessageValues.StatusStopped);

        Assert.True(await stores.Conversations.AppendReplyAsync(conversation.Id, reply, Ct));

        Assert.Equal([question, reply], await AllMessagesAsync(stores, conversation));
        Assert.Equal(reply.Id, (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.LeafId);
    }

    [Fact]
    public async Task AReplysUsageIsStoredWithIt()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var question = (await AppendUserMessagesAsync(stores, conversation, 1))[0];
        var reply = Reply(question) with { Usage = new ReplyUsage(1234, 56, "gpt-4.1-mini", 321) };
        var withoutFirstToken = Reply(question) with { Id = Ids.New(), Usage = new ReplyUsage(7, 0, "simulated", null) };

        await stores.Conversations.AppendReplyAsync(conversation.Id, reply, Ct);
        await stores.Conversations.AppendReplyAsync(conversation.Id, withoutFirstToken, Ct);

        // Two replies to one question are alternatives: the whole tree holds both.
        Assert.Equal([question, reply, withoutFirstToken], await stores.Conversations.GetAllMessagesAsync(conversation.Id, conversation.UserId, Ct));
    }

    [Fact]
    public async Task SameReplyAppendedTwiceIsStoredOnce()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var question = (await AppendUserMessagesAsync(stores, conversation, 1))[0];
        var reply = Reply(question);
        await stores.Conversations.AppendReplyAsync(conversation.Id, reply, Ct);

        Assert.False(await stores.Conversations.AppendReplyAsync(conversation.Id, reply with { Text = "Again." }, Ct));

        Assert.Equal([question, reply], await AllMessagesAsync(stores, conversation));
    }

    [Fact]
    public async Task ReplyToAnUnknownConversationIsRefused()
    {
        await using var stores = await OpenStoresAsync();

        Assert.False(await stores.Conversations.AppendReplyAsync(Ids.New(), Reply(UserMessage()), Ct));
    }

    // Paging

    [Fact]
    public async Task MessagesArePagedBackwardsFromTheNewestOldestFirstWithinAPage()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendUserMessagesAsync(stores, conversation, 7);

        var latest = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 3, null, Ct);
        var previous = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 3, m[4].Id, Ct);
        var first = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 3, m[1].Id, Ct);

        AssertSlice([m[4], m[5], m[6]], hasMore: true, latest);
        AssertSlice([m[1], m[2], m[3]], hasMore: true, previous);
        AssertSlice([m[0]], hasMore: false, first);
    }

    [Fact]
    public async Task PageThatHoldsEveryMessageHasNoMore()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendUserMessagesAsync(stores, conversation, 4);

        AssertSlice(m, hasMore: false, await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 4, null, Ct));
        AssertSlice(m[..3], hasMore: false, await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 3, m[3].Id, Ct));
    }

    [Fact]
    public async Task UnknownBeforeIdGivesAnEmptyPage()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        await AppendUserMessagesAsync(stores, conversation, 3);

        AssertSlice([], hasMore: false, await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, Ids.New(), Ct));
    }

    // The tree

    [Fact]
    public async Task ARegeneratedReplyIsAnAlternativeOfTheFirstAndBecomesTheLeaf()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var question = (await AppendUserMessagesAsync(stores, conversation, 1))[0];
        var first = Reply(question);
        var second = Reply(question, id: Ids.New()) with { Text = "I am the night." };
        await stores.Conversations.AppendReplyAsync(conversation.Id, first, Ct);

        Assert.True(await stores.Conversations.AppendReplyAsync(conversation.Id, second, Ct));

        var path = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct);
        Assert.Equal([question, second], path?.Messages);
        Assert.Equal([new SiblingPlace(0, 1), new SiblingPlace(1, 2)], path?.Places);
        Assert.Equal([first, second], await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, first.Id, Ct));
        Assert.Equal(new PlacedMessage(first, new SiblingPlace(0, 2)), await stores.Conversations.GetMessageAsync(conversation.Id, conversation.UserId, first.Id, Ct));
    }

    [Fact]
    public async Task AnEditedUserMessageStartsABranchBesideTheOriginalAndTheBranchesReadApart()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var (opening, original) = await ExchangeAsync(stores, conversation, null);
        var (_, originalAnswer) = await ExchangeAsync(stores, conversation, original.Id);
        var edited = UserMessage() with { Text = "Hello, Robin!", ParentId = original.Id };
        await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, edited, Ct);
        var editedAnswer = Reply(edited);
        await stores.Conversations.AppendReplyAsync(conversation.Id, editedAnswer, Ct);

        var active = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct);
        var old = await stores.Conversations.GetPathAsync(conversation.Id, conversation.UserId, originalAnswer.Id, 10, Ct);

        Assert.Equal([opening.Id, original.Id, edited.Id, editedAnswer.Id], active?.Messages.Select(m => m.Id));
        Assert.Equal(new SiblingPlace(1, 2), active?.Places[2]);
        Assert.Equal(4, old?.Messages.Count);
        Assert.Equal(originalAnswer.Id, old?.Messages[^1].Id);
        Assert.Equal(new SiblingPlace(0, 2), old?.Places[2]);
    }

    [Fact]
    public async Task TheBranchIsPagedBackwardsAlongItselfOnly()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendUserMessagesAsync(stores, conversation, 5);
        var aside = await AppendUserMessagesAsync(stores, conversation, 3, parentId: m[1].Id);
        await stores.Conversations.SelectBranchAsync(conversation.Id, conversation.UserId, m[4].Id, Ct);

        var latest = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 2, null, Ct);
        var before = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 2, m[3].Id, Ct);
        var asideBefore = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, aside[2].Id, Ct);

        AssertSlice([m[3], m[4]], hasMore: true, latest);
        AssertSlice([m[1], m[2]], hasMore: true, before);
        AssertSlice([m[0], m[1], aside[0], aside[1]], hasMore: false, asideBefore);
    }

    [Fact]
    public async Task SelectingABranchMakesTheLatestLeafUnderTheMessageTheLeaf()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendUserMessagesAsync(stores, conversation, 3);
        var aside = await AppendUserMessagesAsync(stores, conversation, 2, parentId: m[0].Id);

        Assert.Equal(m[2].Id, await stores.Conversations.SelectBranchAsync(conversation.Id, conversation.UserId, m[1].Id, Ct));
        Assert.Equal(m[2].Id, (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.LeafId);
        Assert.Equal(aside[1].Id, await stores.Conversations.SelectBranchAsync(conversation.Id, conversation.UserId, m[0].Id, Ct));
        Assert.Null(await stores.Conversations.SelectBranchAsync(conversation.Id, conversation.UserId, Ids.New(), Ct));
        Assert.Null(await stores.Conversations.SelectBranchAsync(conversation.Id, Ids.New(), m[1].Id, Ct));
        Assert.Equal(aside[1].Id, (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.LeafId);
    }

    [Fact]
    public async Task DeletingAMessageRemovesItAndWhatFollowsItKeepsItsAlternativesAndMovesTheLeaf()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendUserMessagesAsync(stores, conversation, 2);
        var kept = await AppendUserMessagesAsync(stores, conversation, 2, parentId: m[0].Id);
        var gone = await AppendUserMessagesAsync(stores, conversation, 3, parentId: m[0].Id);

        var outcome = await stores.Conversations.DeleteMessageAsync(conversation.Id, conversation.UserId, gone[0].Id, [], Ct);

        Assert.NotNull(outcome);
        Assert.Equal(gone.Select(g => g.Id).Order(), outcome.Deleted.Order());
        Assert.Equal(kept[1].Id, outcome.LeafId);
        Assert.Equal([m[0], kept[0], kept[1]], await AllMessagesAsync(stores, conversation));
        Assert.Equal([m[1], kept[0]], await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, m[1].Id, Ct));
        Assert.Null(await stores.Conversations.GetMessageAsync(conversation.Id, conversation.UserId, gone[2].Id, Ct));
    }

    [Fact]
    public async Task DeletingOffTheActiveBranchLeavesTheLeafAndDeletingEveryFirstMessageEmptiesTheConversation()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var other = await AppendUserMessagesAsync(stores, conversation, 2);
        var active = await AppendUserMessagesAsync(stores, conversation, 2);

        var aside = await stores.Conversations.DeleteMessageAsync(conversation.Id, conversation.UserId, other[1].Id, [], Ct);
        var rest = await stores.Conversations.DeleteMessageAsync(conversation.Id, conversation.UserId, active[0].Id, [], Ct);

        Assert.Equal(active[1].Id, aside?.LeafId);
        Assert.Equal(other[0].Id, rest?.LeafId);
        Assert.Equal([other[0]], await AllMessagesAsync(stores, conversation));
        var last = await stores.Conversations.DeleteMessageAsync(conversation.Id, conversation.UserId, other[0].Id, [], Ct);
        Assert.Null(last?.LeafId);
        Assert.Empty(await AllMessagesAsync(stores, conversation));
    }

    [Fact]
    public async Task ADeleteThatWouldTakeAMessageToKeepIsRefusedAndOneOfAMissingMessageDeletesNothing()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendUserMessagesAsync(stores, conversation, 3);

        var refused = await stores.Conversations.DeleteMessageAsync(conversation.Id, conversation.UserId, m[1].Id, [m[2].Id], Ct);
        var missing = await stores.Conversations.DeleteMessageAsync(conversation.Id, conversation.UserId, Ids.New(), [], Ct);

        Assert.Equal(new DeleteOutcome([], m[2].Id, Refused: true), refused);
        Assert.Equal(new DeleteOutcome([], m[2].Id), missing);
        Assert.Null(await stores.Conversations.DeleteMessageAsync(conversation.Id, Ids.New(), m[1].Id, [], Ct));
        Assert.Equal(m, await AllMessagesAsync(stores, conversation));
    }

    [Fact]
    public async Task NothingIsAppendedUnderAParentThatIsNotThere()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var question = (await AppendUserMessagesAsync(stores, conversation, 1))[0];

        Assert.Null(await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, UserMessage() with { ParentId = Ids.New() }, Ct));
        Assert.False(await stores.Conversations.AppendReplyAsync(conversation.Id, Reply(question) with { ParentId = Ids.New() }, Ct));
        Assert.Equal([question], await AllMessagesAsync(stores, conversation));
    }

    [Fact]
    public async Task AMessageChangedInPlaceKeepsItsIdAndPlaceAndIsMarkedEdited()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores, updatedAt: Now.AddHours(-1));
        var (question, reply) = await ExchangeAsync(stores, conversation, null);
        var at = Now;

        Assert.True(await stores.Conversations.ChangeMessageAsync(conversation.Id, conversation.UserId, new MessageChange(reply.Id, "I am Batman.", at, Edited: true), Ct));
        Assert.True(await stores.Conversations.ChangeMessageAsync(
            conversation.Id, conversation.UserId,
            new MessageChange(reply.Id, "I am Batman. And more.", at, Edited: false, MessageValues.StatusStopped, "r-1", new ReplyUsage(300, 40, "gpt-test", 120)), Ct));
        Assert.False(await stores.Conversations.ChangeMessageAsync(conversation.Id, Ids.New(), new MessageChange(reply.Id, "Hacked.", at, Edited: true), Ct));
        Assert.False(await stores.Conversations.ChangeMessageAsync(conversation.Id, conversation.UserId, new MessageChange(Ids.New(), "Nobody.", at, Edited: true), Ct));

        var changed = reply with
        {
            Text = "I am Batman. And more.", Edited = true, Status = MessageValues.StatusStopped, RequestId = "r-1", Usage = new ReplyUsage(300, 40, "gpt-test", 120),
        };
        Assert.Equal([question, changed], await AllMessagesAsync(stores, conversation));
        Assert.Equal(at, (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.UpdatedAt);
    }

    [Fact]
    public async Task AConversationOpensWithItsGreetingsTheFirstOfThemTheLeaf()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now);
        StoredMessage[] greetings =
        [
            new(Ids.New(), MessageValues.SenderAi, "Who goes there?", Now, Status: MessageValues.StatusComplete),
            new(Ids.New(), MessageValues.SenderAi, "Not you again.", Now, Status: MessageValues.StatusComplete),
        ];

        await stores.Conversations.CreateAsync(conversation, greetings, Ct);

        Assert.Equal(conversation with { LeafId = greetings[0].Id }, await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
        Assert.Equal([greetings[0]], await AllMessagesAsync(stores, conversation));
        Assert.Equal(greetings, await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, greetings[1].Id, Ct));
        Assert.DoesNotContain(await stores.Conversations.ListUnansweredAsync(Ct), u => u.ConversationId == conversation.Id);
    }

    [Fact]
    public async Task AModelsTitleNeverOverwritesARename()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);

        Assert.True(await stores.Conversations.SetTitleAsync(conversation.Id, conversation.UserId, "Gotham at night", onlyIfUntitled: false, Ct));
        Assert.False(await stores.Conversations.SetTitleAsync(conversation.Id, conversation.UserId, "A talk with Batman", onlyIfUntitled: true, Ct));
        Assert.False(await stores.Conversations.SetTitleAsync(conversation.Id, Ids.New(), "Stolen", onlyIfUntitled: false, Ct));

        Assert.Equal("Gotham at night", (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.Title);
        Assert.Equal("Gotham at night", Assert.Single(await stores.Conversations.ListAsync(conversation.UserId, Ct)).Title);
    }

    [Fact]
    public async Task AConversationKeepsItsModelProfileUntilItsOwnerChangesOrClearsIt()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now) { ModelProfile = "fast" };
        await stores.Conversations.CreateAsync(conversation, [], Ct);
        Assert.Equal("fast", (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.ModelProfile);

        Assert.True(await stores.Conversations.SetModelProfileAsync(conversation.Id, conversation.UserId, "backup", Ct));
        Assert.False(await stores.Conversations.SetModelProfileAsync(conversation.Id, Ids.New(), "stolen", Ct));
        Assert.Equal("backup", (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.ModelProfile);
        Assert.Equal("backup", Assert.Single(await stores.Conversations.ListAsync(conversation.UserId, Ct)).ModelProfile);

        Assert.True(await stores.Conversations.SetModelProfileAsync(conversation.Id, conversation.UserId, null, Ct));
        Assert.Null((await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.ModelProfile);
    }

    [Fact]
    public async Task AConversationsMemoryIsStoredWholeAndReadBackWithIt()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var (question, _) = await ExchangeAsync(stores, conversation, null);
        var memory = new ConversationMemory("Batman asked about the cave.", question.Id, Enabled: false, Now);

        Assert.Equal(ConversationMemory.None, (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.Memory);
        Assert.True(await stores.Conversations.SetMemoryAsync(conversation.Id, conversation.UserId, memory, Ct));
        Assert.False(await stores.Conversations.SetMemoryAsync(conversation.Id, Ids.New(), memory with { Summary = "Stolen" }, Ct));

        Assert.Equal(memory, (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.Memory);
        Assert.Equal(memory, Assert.Single(await stores.Conversations.ListAsync(conversation.UserId, Ct)).Memory);
    }

    [Fact]
    public async Task AnAlternativeSentTwiceWithOneClientMessageIdIsStoredOnce()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var (question, _) = await ExchangeAsync(stores, conversation, null);
        var edit = UserMessage() with { ParentId = question.ParentId, Text = "Edited." };

        var attempts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, edit with { Id = Ids.New() }, Ct))).Bounded();

        Assert.Single(attempts, a => a!.Appended);
        Assert.Single(attempts.Select(a => a!.Message.Id).Distinct());
        Assert.Equal(2, (await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, question.Id, Ct))?.Count);
    }

    [Fact]
    public async Task TwoDevicesAppendingUnderAMessageWhileItIsDeletedLeaveNoMessageWithoutItsParent()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var root = (await AppendUserMessagesAsync(stores, conversation, 1))[0];
        for (var round = 0; round < 8; round++)
        {
            var doomed = (await AppendUserMessagesAsync(stores, conversation, 1, parentId: root.Id))[0];
            var child = UserMessage() with { ParentId = doomed.Id };
            var sibling = UserMessage() with { ParentId = root.Id };

            var append = stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, child, Ct);
            var other = stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, sibling, Ct);
            var delete = stores.Conversations.DeleteMessageAsync(conversation.Id, conversation.UserId, doomed.Id, [], Ct);
            var select = stores.Conversations.SelectBranchAsync(conversation.Id, conversation.UserId, root.Id, Ct);
            await Task.WhenAll(append, other, delete, select).Bounded();

            Assert.True((await other)?.Appended);
            Assert.Null(await stores.Conversations.GetMessageAsync(conversation.Id, conversation.UserId, child.Id, Ct));
            Assert.Null(await stores.Conversations.GetMessageAsync(conversation.Id, conversation.UserId, doomed.Id, Ct));
        }

        var leaf = (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))!.LeafId;
        var path = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 100, null, Ct);
        Assert.Equal([root.Id, leaf], path?.Messages.Select(m => m.Id));
        Assert.Equal(8, (await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, leaf!, Ct))?.Count);
    }

    /// <summary>A user message under <paramref name="parentId"/> and its reply, appended one after the other.</summary>
    private static async Task<(StoredMessage Question, StoredMessage Reply)> ExchangeAsync(Stores stores, Conversation conversation, string? parentId)
    {
        var question = UserMessage() with { ParentId = parentId };
        Assert.True((await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, question, Ct))?.Appended);
        var reply = Reply(question);
        Assert.True(await stores.Conversations.AppendReplyAsync(conversation.Id, reply, Ct));
        return (question, reply);
    }

    private static User NewUser() =>
        new(Ids.New(), "John Doe", $"john.{Guid.NewGuid():N}@example.com", "pbkdf2-sha512$210000$c2FsdA==$aGFzaA==", Roles.Paid, Now, Now);

    /// <summary>A public character of its own owner (a fresh id unless given).</summary>
    private static Character NewCharacter(string? ownerId = null) =>
        new(Ids.New(), "Batman", "A brooding vigilante of Gotham City.", ["serious", "determined", "dark"],
            ["crime-fighting", "Gotham", "justice"], 0.7, 500, Now, Now)
        {
            OwnerId = ownerId ?? Ids.New(),
            Visibility = CharacterVisibility.Public,
        };

    /// <summary>Every card field set, the lorebook and extensions with keys a document store would choke on.</summary>
    private static CardFields FullCard() => new(
        "Gotham at night.", "*A shadow moves.* Who goes there?", ["I am the night.", "Not you again."], "<START>\n{{user}}: Hi\n{{char}}: ...",
        "You are {{char}}.", "Stay terse.", "Made for tests.", ["Hero", "Dark"], "Tester", "1.2",
        """{"name":"Gotham","entries":[{"keys":["Joker"],"content":"The Joker is {{char}}'s nemesis.","extensions":{"$x.y":1}}],"extensions":{}}""",
        """{"depth_prompt":{"prompt":"x","depth":4},"$set":{"a.b":[1,2.50,"\u00e9"]}}""",
        """{"nickname":"Bats","source":["https://example.com"]}""");

    /// <summary>Records compare list members by reference, so characters are compared member by member.</summary>
    private static void AssertSameCharacter(Character expected, Character? actual)
    {
        Assert.NotNull(actual);
        Assert.Equivalent(expected, actual, strict: true);
    }

    [Fact]
    public async Task OnlyALastUserMessageWithoutItsReplyIsListedAsUnanswered()
    {
        await using var stores = await OpenStoresAsync();
        var (waiting, answered, failedQuietly) = (await CreateConversationAsync(stores), await CreateConversationAsync(stores), await CreateConversationAsync(stores));
        var question = UserMessage();
        await stores.Conversations.AppendUserMessageAsync(waiting.Id, waiting.UserId, UserMessage(), Ct);
        await stores.Conversations.AppendUserMessageAsync(waiting.Id, waiting.UserId, question, Ct);
        var done = UserMessage();
        await stores.Conversations.AppendUserMessageAsync(answered.Id, answered.UserId, done, Ct);
        await stores.Conversations.AppendReplyAsync(answered.Id, Reply(done), Ct);
        var interrupted = UserMessage();
        await stores.Conversations.AppendUserMessageAsync(failedQuietly.Id, failedQuietly.UserId, interrupted, Ct);
        var stored = Reply(interrupted, MessageValues.StatusFailed) with { Text = "", Error = MessageValues.ErrorInterrupted };
        await stores.Conversations.AppendReplyAsync(failedQuietly.Id, stored, Ct);

        var unanswered = await stores.Conversations.ListUnansweredAsync(Ct);

        Assert.Equal([new UnansweredMessage(waiting.Id, question)], unanswered);
        Assert.Equal(stored, (await AllMessagesAsync(stores, failedQuietly))[^1]);
    }

    private static CatalogueQuery Query(string viewerId, string? text = null) =>
        new(viewerId, SearchWords.Of(text), null, Popular: true, After: null, Limit: 100);

    private static async Task<List<string>> CatalogueIdsAsync(Stores stores, CatalogueQuery query) =>
        (await stores.Characters.SearchAsync(query, Ct)).Characters.Select(c => c.Id).ToList();

    /// <summary>A conversation of its own user (a fresh id unless given).</summary>
    private static async Task<Conversation> CreateConversationAsync(Stores stores, string? userId = null, DateTimeOffset? updatedAt = null)
    {
        var at = updatedAt ?? Now;
        var conversation = new Conversation(Ids.New(), userId ?? Ids.New(), Ids.New(), at, at);
        await stores.Conversations.CreateAsync(conversation, [], Ct);
        return conversation;
    }

    private static StoredMessage UserMessage(string? clientMessageId = null) =>
        new(Ids.New(), MessageValues.SenderUser, "Hello, Batman!", Now,
            ClientMessageId: clientMessageId ?? Guid.NewGuid().ToString("N"), ReplyId: Ids.New());

    /// <summary>The answer to <paramref name="question"/>, with the id the question promised (or a new one: an alternative).</summary>
    private static StoredMessage Reply(StoredMessage question, string status = MessageValues.StatusComplete, string? id = null) =>
        new(id ?? question.ReplyId!, MessageValues.SenderAi, "I am vengeance.", Now, InReplyTo: question.Id, Status: status, ParentId: question.Id);

    /// <summary>Appends one after another, each under the one before: one branch, in the order they were sent.</summary>
    private static async Task<StoredMessage[]> AppendUserMessagesAsync(Stores stores, Conversation conversation, int count, string? parentId = null)
    {
        var messages = new StoredMessage[count];
        for (var i = 0; i < count; i++)
        {
            messages[i] = UserMessage() with { Text = $"Message {i}", ParentId = i == 0 ? parentId : messages[i - 1].Id };
            var result = await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, messages[i], Ct);
            Assert.True(result?.Appended);
        }
        return messages;
    }

    private static async Task<IReadOnlyList<StoredMessage>> AllMessagesAsync(Stores stores, Conversation conversation)
    {
        var slice = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 1000, null, Ct);
        Assert.NotNull(slice);
        Assert.False(slice.HasMore);
        return slice.Messages;
    }

    private static void AssertSlice(IReadOnlyList<StoredMessage> expected, bool hasMore, MessageSlice? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected, actual.Messages);
        Assert.Equal(hasMore, actual.HasMore);
    }
}
