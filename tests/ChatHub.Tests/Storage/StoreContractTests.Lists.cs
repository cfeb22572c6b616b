using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;

namespace ChatHub.Tests.Storage;

/// <summary>The conversation list, its search and whole-tree reads and writes (export and import).</summary>
public abstract partial class StoreContractTests
{
    private const string TextSearch = "text search ($text)";

    [Fact]
    public async Task TheListPagesByCursorNewestFirstEachWithItsLeafWithoutGapsOrRepeats()
    {
        await using var stores = await OpenStoresAsync();
        var userId = Ids.New();
        // Two share an updatedAt, so the id must break the tie.
        var conversations = new List<Conversation>();
        for (var i = 0; i < 5; i++) conversations.Add(await CreateConversationAsync(stores, userId, Now.AddMinutes(-10 + i / 2)));
        await CreateConversationAsync(stores);
        var leaves = new Dictionary<string, string>();
        foreach (var c in conversations)
        {
            var messages = await AppendUserMessagesAsync(stores, c, 2);
            leaves[c.Id] = messages[^1].Id;
        }
        // Now all share the time of their last message, a few milliseconds apart at most: order by what the store says.
        var expected = (await stores.Conversations.ListAsync(userId, Ct)).Select(c => c.Id).ToList();

        var seen = new List<ListedConversation>();
        CatalogueCursor? after = null;
        var pages = 0;
        do
        {
            var page = await stores.Conversations.ListPageAsync(new ConversationListQuery(userId, [], after, 2), Ct);
            seen.AddRange(page.Conversations);
            after = page.Next;
            pages++;
        }
        while (after is not null && pages < 10);

        Assert.Equal(expected, seen.Select(l => l.Conversation.Id));
        Assert.Equal(3, pages);
        Assert.All(seen, l => Assert.Equal(leaves[l.Conversation.Id], l.Leaf?.Id));
        Assert.All(seen, l => Assert.Equal("Message 1", l.Leaf?.Text));
        Assert.All(seen, l => Assert.Null(l.Match));
    }

    [Fact]
    public async Task TheListShowsTheSelectedBranchesLeafNotTheLastWrittenMessage()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var question = (await AppendUserMessagesAsync(stores, conversation, 1))[0];
        var first = Reply(question);
        await stores.Conversations.AppendReplyAsync(conversation.Id, first, Ct);
        await stores.Conversations.AppendReplyAsync(conversation.Id, Reply(question, id: Ids.New()) with { Text = "I am the night." }, Ct);
        await stores.Conversations.SelectBranchAsync(conversation.Id, conversation.UserId, first.Id, Ct);

        var listed = Assert.Single((await stores.Conversations.ListPageAsync(new ConversationListQuery(conversation.UserId, [], null, 10), Ct)).Conversations);

        Assert.Equal(first, listed.Leaf);
        Assert.Equal(first.Id, listed.Conversation.LeafId);
    }

    [Fact]
    public async Task AnEmptyConversationIsListedWithoutALeaf()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);

        var listed = Assert.Single((await stores.Conversations.ListPageAsync(new ConversationListQuery(conversation.UserId, [], null, 10), Ct)).Conversations);

        Assert.Equal(conversation, listed.Conversation);
        Assert.Null(listed.Leaf);
    }

    [Fact]
    public async Task SearchFindsEveryWordInOneMessageOrTheTitleOfTheUsersOwnConversationsOnly()
    {
        SkipOnMongoWire(TextSearch);
        await using var stores = await OpenStoresAsync();
        var userId = Ids.New();
        var word = UniqueWord();
        var inMessage = await CreateConversationAsync(stores, userId);
        var messages = await AppendUserMessagesAsync(stores, inMessage, 3);
        var hit = messages[1] with { Text = $"The {word.ToUpperInvariant()} signal is lit over Gotham." };
        await stores.Conversations.ChangeMessageAsync(inMessage.Id, userId, new MessageChange(hit.Id, hit.Text, Now, Edited: true), Ct);
        var inTitle = await CreateConversationAsync(stores, userId);
        await stores.Conversations.SetTitleAsync(inTitle.Id, userId, $"Gotham {word} nights", onlyIfUntitled: false, Ct);
        var wordsApart = await CreateConversationAsync(stores, userId);
        await AppendUserMessagesAsync(stores, wordsApart, 1);
        var apart = await AppendUserMessagesAsync(stores, wordsApart, 2);
        await stores.Conversations.ChangeMessageAsync(wordsApart.Id, userId, new MessageChange(apart[0].Id, $"Only {word} here.", Now, Edited: true), Ct);
        await stores.Conversations.ChangeMessageAsync(wordsApart.Id, userId, new MessageChange(apart[1].Id, "Only Gotham here.", Now, Edited: true), Ct);
        var someoneElses = await CreateConversationAsync(stores);
        await stores.Conversations.SetTitleAsync(someoneElses.Id, someoneElses.UserId, $"Gotham {word}", onlyIfUntitled: false, Ct);

        var byOneWord = await SearchAsync(stores, userId, word);
        var byBoth = await SearchAsync(stores, userId, $"gotham {word}");

        Assert.Equal(new[] { inMessage.Id, inTitle.Id, wordsApart.Id }.Order(), byOneWord.Select(l => l.Conversation.Id).Order());
        Assert.Equal(new[] { inMessage.Id, inTitle.Id }.Order(), byBoth.Select(l => l.Conversation.Id).Order());
        Assert.Equal(new FoundText(hit.Id, hit.Text), byBoth.Single(l => l.Conversation.Id == inMessage.Id).Match);
        Assert.Equal(new FoundText(null, $"Gotham {word} nights"), byBoth.Single(l => l.Conversation.Id == inTitle.Id).Match);
        Assert.Equal(messages[^1].Id, byBoth.Single(l => l.Conversation.Id == inMessage.Id).Leaf?.Id);
        Assert.Empty(await SearchAsync(stores, someoneElses.UserId, "nights"));
    }

    [Fact]
    public async Task SearchNamesTheLatestMatchingMessageOnAnyBranch()
    {
        SkipOnMongoWire(TextSearch);
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var word = UniqueWord();
        var question = (await AppendUserMessagesAsync(stores, conversation, 1))[0] with { };
        var first = Reply(question) with { Text = $"First {word}." };
        var second = Reply(question, id: Ids.New()) with { Text = $"Second {word}." };
        await stores.Conversations.AppendReplyAsync(conversation.Id, first, Ct);
        await stores.Conversations.AppendReplyAsync(conversation.Id, second, Ct);
        await stores.Conversations.SelectBranchAsync(conversation.Id, conversation.UserId, first.Id, Ct);

        var found = Assert.Single(await SearchAsync(stores, conversation.UserId, word));

        Assert.Equal(second.Id, found.Match?.MessageId);
        Assert.Equal(first.Id, found.Leaf?.Id);
    }

    [Fact]
    public async Task DeletedMessagesOldTextsOldTitlesAndDeletedConversationsAreNotFound()
    {
        SkipOnMongoWire(TextSearch);
        await using var stores = await OpenStoresAsync();
        var userId = Ids.New();
        var (deletedWord, editedAwayWord, oldTitleWord, goneWord) = (UniqueWord(), UniqueWord(), UniqueWord(), UniqueWord());
        var conversation = await CreateConversationAsync(stores, userId);
        var messages = await AppendUserMessagesAsync(stores, conversation, 3);
        await stores.Conversations.ChangeMessageAsync(conversation.Id, userId, new MessageChange(messages[2].Id, $"Soon {deletedWord}.", Now, Edited: true), Ct);
        await stores.Conversations.ChangeMessageAsync(conversation.Id, userId, new MessageChange(messages[0].Id, $"Was {editedAwayWord}.", Now, Edited: true), Ct);
        await stores.Conversations.ChangeMessageAsync(conversation.Id, userId, new MessageChange(messages[0].Id, "Now plain.", Now, Edited: true), Ct);
        await stores.Conversations.SetTitleAsync(conversation.Id, userId, $"Old {oldTitleWord}", onlyIfUntitled: false, Ct);
        await stores.Conversations.SetTitleAsync(conversation.Id, userId, "New title", onlyIfUntitled: false, Ct);
        await stores.Conversations.DeleteMessageAsync(conversation.Id, userId, messages[2].Id, [], Ct);
        var deleted = await CreateConversationAsync(stores, userId);
        await stores.Conversations.SetTitleAsync(deleted.Id, userId, $"About {goneWord}", onlyIfUntitled: false, Ct);
        var deletedMessages = await AppendUserMessagesAsync(stores, deleted, 1);
        await stores.Conversations.ChangeMessageAsync(deleted.Id, userId, new MessageChange(deletedMessages[0].Id, $"Also {goneWord}.", Now, Edited: true), Ct);
        Assert.Single(await SearchAsync(stores, userId, goneWord));
        await stores.Conversations.DeleteAsync(deleted.Id, userId, Ct);

        foreach (var word in new[] { deletedWord, editedAwayWord, oldTitleWord, goneWord }) Assert.Empty(await SearchAsync(stores, userId, word));
        Assert.Equal([conversation.Id], (await SearchAsync(stores, userId, "now plain")).Select(l => l.Conversation.Id));
        Assert.Equal([conversation.Id], (await SearchAsync(stores, userId, "new title")).Select(l => l.Conversation.Id));
    }

    [Theory]
    [InlineData("\" OR owner:*")]
    [InlineData("NEAR(a b) AND NOT c")]
    [InlineData(".*(a+)+$")]
    [InlineData("{\"$where\": \"sleep(1000)\"}")]
    public async Task ConversationSearchTextIsNeverReadAsQuerySyntax(string typed)
    {
        SkipOnMongoWire(TextSearch);
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var literal = (await AppendUserMessagesAsync(stores, conversation, 2))[1];
        await stores.Conversations.ChangeMessageAsync(conversation.Id, conversation.UserId,
            new MessageChange(literal.Id, $"The words {string.Join(' ', SearchWords.Of(typed))} in order.", Now, Edited: true), Ct);

        var found = await SearchAsync(stores, conversation.UserId, typed);

        Assert.Equal([literal.Id], found.Select(l => l.Match?.MessageId));
    }

    [Fact]
    public async Task SearchResultsArePagedByCursorLikeTheList()
    {
        SkipOnMongoWire(TextSearch);
        await using var stores = await OpenStoresAsync();
        var userId = Ids.New();
        var word = UniqueWord();
        for (var i = 0; i < 3; i++)
        {
            var c = await CreateConversationAsync(stores, userId, Now.AddMinutes(-i));
            await stores.Conversations.SetTitleAsync(c.Id, userId, $"Case {word} {i}", onlyIfUntitled: false, Ct);
        }
        await CreateConversationAsync(stores, userId);

        var first = await stores.Conversations.ListPageAsync(new ConversationListQuery(userId, [word], null, 2), Ct);
        var second = await stores.Conversations.ListPageAsync(new ConversationListQuery(userId, [word], first.Next, 2), Ct);

        Assert.Equal([$"Case {word} 0", $"Case {word} 1"], first.Conversations.Select(l => l.Conversation.Title));
        Assert.Equal([$"Case {word} 2"], second.Conversations.Select(l => l.Conversation.Title));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task AnImportedTreeIsCreatedWholeWithItsLeafAndReadBackInTheOrderWritten()
    {
        await using var stores = await OpenStoresAsync();
        var greeting = new StoredMessage(Ids.New(), MessageValues.SenderAi, "Welcome.", Now, Status: MessageValues.StatusComplete);
        var question = new StoredMessage(Ids.New(), MessageValues.SenderUser, "Who are you?", Now, ParentId: greeting.Id);
        var answer = new StoredMessage(Ids.New(), MessageValues.SenderAi, "The night.", Now, InReplyTo: question.Id, Status: MessageValues.StatusComplete, ParentId: question.Id);
        var swiped = answer with { Id = Ids.New(), Text = "Vengeance.", Edited = true };
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now) { Title = "Imported", LeafId = answer.Id };

        await stores.Conversations.CreateAsync(conversation, [greeting, question, answer, swiped], Ct);

        Assert.Equal(conversation, await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct));
        Assert.Equal([greeting, question, answer, swiped], await stores.Conversations.GetAllMessagesAsync(conversation.Id, conversation.UserId, Ct));
        Assert.Equal([greeting, question, answer], (await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 10, null, Ct))?.Messages);
        Assert.Equal([answer, swiped], await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, answer.Id, Ct));
        Assert.Null(await stores.Conversations.GetAllMessagesAsync(conversation.Id, Ids.New(), Ct));
        Assert.Null(await stores.Conversations.GetAllMessagesAsync(Ids.New(), conversation.UserId, Ct));
    }

    private static async Task<IReadOnlyList<ListedConversation>> SearchAsync(Stores stores, string userId, string typed) =>
        (await stores.Conversations.ListPageAsync(new ConversationListQuery(userId, SearchWords.Of(typed), null, 50), Ct)).Conversations;

    /// <summary>A word no other test writes: letters only, so both stores read it as one word.</summary>
    private static string UniqueWord() => "w" + new string(Guid.NewGuid().ToString("N").Select(c => (char)('a' + c % 26)).ToArray())[..10];
}
