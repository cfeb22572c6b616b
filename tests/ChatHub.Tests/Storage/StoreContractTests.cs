using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Storage;
using ChatHub.Tests.Support;

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
    public async Task UnknownUserIdOrEmailFindsNoOne()
    {
        await using var stores = await OpenStoresAsync();

        Assert.Null(await stores.Users.FindByIdAsync(Ids.New(), Ct));
        Assert.Null(await stores.Users.FindByEmailAsync(NewUser().Email, Ct));
    }

    // Characters

    [Fact]
    public async Task CreatedCharacterReadsBackEqual()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();

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
    public async Task UpdateChangesEveryFieldButCreatedAt()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();
        await stores.Characters.TryCreateAsync(character, Ct);
        var changed = new Character(
            character.Id, "Robin", "The Boy Wonder.", ["loyal", "quick"], ["acrobatics"], 0.3, 200,
            CreatedAt: Now.AddDays(1), UpdatedAt: Now.AddHours(1));

        Assert.True(await stores.Characters.UpdateAsync(changed, Ct));

        AssertSameCharacter(changed with { CreatedAt = character.CreatedAt }, await stores.Characters.GetAsync(character.Id, Ct));
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
    public async Task DeletedCharacterIsGoneAndDeletingItAgainReturnsFalse()
    {
        await using var stores = await OpenStoresAsync();
        var character = NewCharacter();
        await stores.Characters.TryCreateAsync(character, Ct);

        Assert.True(await stores.Characters.DeleteAsync(character.Id, Ct));
        Assert.Null(await stores.Characters.GetAsync(character.Id, Ct));
        Assert.False(await stores.Characters.DeleteAsync(character.Id, Ct));
    }

    [Fact]
    public async Task ListContainsTheCreatedCharacters()
    {
        await using var stores = await OpenStoresAsync();
        Character[] created = [NewCharacter(), NewCharacter() with { Name = "Alfred" }];
        foreach (var character in created) await stores.Characters.TryCreateAsync(character, Ct);

        var listed = await stores.Characters.ListAsync(Ct);

        foreach (var character in created) AssertSameCharacter(character, listed.SingleOrDefault(c => c.Id == character.Id));
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
        Assert.Equal(conversation with { UpdatedAt = message.Timestamp }, updated);
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
        var stored = await AllMessagesAsync(stores, conversation);
        Assert.Equal(messages.OrderBy(m => m.Id, StringComparer.Ordinal), stored.OrderBy(m => m.Id, StringComparer.Ordinal));
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
        SkipOnMongoWire("paging finds its start with $indexOfArray in a find projection");
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
        SkipOnMongoWire("paging finds its start with $indexOfArray in a find projection");
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendUserMessagesAsync(stores, conversation, 4);

        AssertSlice(m, hasMore: false, await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 4, null, Ct));
        AssertSlice(m[..3], hasMore: false, await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 3, m[3].Id, Ct));
    }

    [Fact]
    public async Task UnknownBeforeIdGivesAnEmptyPage()
    {
        SkipOnMongoWire("paging finds its start with $indexOfArray in a find projection");
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        await AppendUserMessagesAsync(stores, conversation, 3);

        AssertSlice([], hasMore: false, await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, Ids.New(), Ct));
    }

    private static User NewUser() =>
        new(Ids.New(), "John Doe", $"john.{Guid.NewGuid():N}@example.com", "pbkdf2-sha512$210000$c2FsdA==$aGFzaA==", Roles.Paid, Now, Now);

    private static Character NewCharacter() =>
        new(Ids.New(), "Batman", "A brooding vigilante of Gotham City.", ["serious", "determined", "dark"],
            ["crime-fighting", "Gotham", "justice"], 0.7, 500, Now, Now);

    /// <summary>Records compare list members by reference, so the lists are compared by their items.</summary>
    private static void AssertSameCharacter(Character expected, Character? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Traits, actual.Traits);
        Assert.Equal(expected.KnowledgeBase, actual.KnowledgeBase);
        Assert.Equal(expected, actual with { Traits = expected.Traits, KnowledgeBase = expected.KnowledgeBase });
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

    /// <summary>A conversation of its own user (a fresh id unless given).</summary>
    private static async Task<Conversation> CreateConversationAsync(Stores stores, string? userId = null, DateTimeOffset? updatedAt = null)
    {
        var at = updatedAt ?? Now;
        var conversation = new Conversation(Ids.New(), userId ?? Ids.New(), Ids.New(), at, at);
        await stores.Conversations.CreateAsync(conversation, Ct);
        return conversation;
    }

    private static StoredMessage UserMessage(string? clientMessageId = null) =>
        new(Ids.New(), MessageValues.SenderUser, "Hello, Batman!", Now,
            ClientMessageId: clientMessageId ?? Guid.NewGuid().ToString("N"), ReplyId: Ids.New());

    /// <summary>The answer to <paramref name="question"/>, with the id the question promised.</summary>
    private static StoredMessage Reply(StoredMessage question, string status = MessageValues.StatusComplete) =>
        new(question.ReplyId!, MessageValues.SenderAi, "I am vengeance.", Now, InReplyTo: question.Id, Status: status);

    /// <summary>Appends one after another, so the order they were sent in is the order they are stored in.</summary>
    private static async Task<StoredMessage[]> AppendUserMessagesAsync(Stores stores, Conversation conversation, int count)
    {
        var messages = new StoredMessage[count];
        for (var i = 0; i < count; i++)
        {
            messages[i] = UserMessage() with { Text = $"Message {i}" };
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
