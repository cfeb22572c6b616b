using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;

namespace ChatHub.Tests.Storage;

/// <summary>
/// Conversations longer than one MongoDB document holds (issue 16): thousands of messages, a branch far back, two writers at
/// once, retries of old messages, search, a delete and an import. Wherever a store keeps the old messages, they read back whole, once
/// each and in order, and the conversation goes on growing.
/// </summary>
public abstract partial class StoreContractTests
{
    /// <summary>The bound on concurrent writes to a long conversation: far above what they take, yet a hang fails the test.</summary>
    private static readonly TimeSpan ManyWrites = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task FiveThousandMessagesReadBackWholeAndInOrderAllAtOnceAndPageByPage()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);

        var m = await AppendAllAsync(stores, conversation, Talk(5_000));

        Assert.Equal(m, await stores.Conversations.GetAllMessagesAsync(conversation.Id, conversation.UserId, Ct));
        Assert.Equal(m[^1].Id, (await stores.Conversations.GetAsync(conversation.Id, conversation.UserId, Ct))?.LeafId);
        var branch = await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 100);
        Assert.Equal(m, branch.Select(p => p.Message));
        Assert.All(branch, p => Assert.Equal(SiblingPlace.Only, p.Place));
        // Pages that do not line up with however the store groups its messages, the last one short.
        Assert.Equal(m, (await ReadBranchBackwardsAsync(stores, conversation, 333, expectedPages: 16)).Select(p => p.Message));
        AssertSlice(m[2_471..2_501], hasMore: true, await stores.Conversations.GetPathAsync(conversation.Id, conversation.UserId, m[2_500].Id, 30, Ct));
        AssertSlice(m[..11], hasMore: false, await stores.Conversations.GetPathAsync(conversation.Id, conversation.UserId, m[10].Id, 30, Ct));
        Assert.Equal(new PlacedMessage(m[3], SiblingPlace.Only), await stores.Conversations.GetMessageAsync(conversation.Id, conversation.UserId, m[3].Id, Ct));
        Assert.Equal(m[2], await stores.Conversations.FindByClientMessageIdAsync(conversation.Id, conversation.UserId, m[2].ClientMessageId!, Ct));
        Assert.Equal([m[1]], await stores.Conversations.GetSiblingsAsync(conversation.Id, conversation.UserId, m[1].Id, Ct));

        // An old message grown to the longest a message may be: wherever it is kept, it must still fit.
        var longest = m[5] with { Text = new string('z', 16_000), Edited = true };
        Assert.True(await stores.Conversations.ChangeMessageAsync(conversation.Id, conversation.UserId, new MessageChange(longest.Id, longest.Text, Now, Edited: true), Ct));
        var more = await AppendAllAsync(stores, conversation, Talk(2, m[^1].Id, "after"));

        Assert.Equal(new PlacedMessage(longest, SiblingPlace.Only), await stores.Conversations.GetMessageAsync(conversation.Id, conversation.UserId, longest.Id, Ct));
        AssertSlice([m[4], longest, m[6]], hasMore: true, await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, 3, m[7].Id, Ct));
        Assert.Equal([.. m[..5], longest, .. m[6..], .. more], await stores.Conversations.GetAllMessagesAsync(conversation.Id, conversation.UserId, Ct));
    }

    [Fact]
    public async Task ABranchFromFarBackReadsAcrossIntoTheOldMessagesAndIsSelectedAndDeletedThere()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var m = await AppendAllAsync(stores, conversation, Talk(1_200));
        var (id, userId) = (conversation.Id, conversation.UserId);

        // An edit of message 100: a new message beside it, under its parent, and a talk long enough to push the old branch's end back.
        var edited = await AppendAllAsync(stores, conversation, Talk(300, m[99].Id, "edited"));

        Assert.Equal(edited[^1].Id, (await stores.Conversations.GetAsync(id, userId, Ct))?.LeafId);
        Assert.Equal([.. m, .. edited], await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        var across = await stores.Conversations.GetMessagesAsync(id, userId, 50, edited[10].Id, Ct);
        AssertSlice([.. m[60..100], .. edited[..10]], hasMore: true, across);
        Assert.Equal(new SiblingPlace(1, 2), across?.Places[40]);
        var newBranch = await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 8);
        Assert.Equal([.. m[..100], .. edited], newBranch.Select(p => p.Message));
        Assert.Equal(new SiblingPlace(1, 2), newBranch[100].Place);
        Assert.All(newBranch.Where((_, i) => i != 100), p => Assert.Equal(SiblingPlace.Only, p.Place));
        Assert.Equal(new PlacedMessage(m[100], new SiblingPlace(0, 2)), await stores.Conversations.GetMessageAsync(id, userId, m[100].Id, Ct));
        Assert.Equal(new PlacedMessage(edited[0], new SiblingPlace(1, 2)), await stores.Conversations.GetMessageAsync(id, userId, edited[0].Id, Ct));
        Assert.Equal([m[100], edited[0]], await stores.Conversations.GetSiblingsAsync(id, userId, edited[0].Id, Ct));

        Assert.Equal(m[^1].Id, await stores.Conversations.SelectBranchAsync(id, userId, m[100].Id, Ct));

        Assert.Equal(m[^1].Id, (await stores.Conversations.GetAsync(id, userId, Ct))?.LeafId);
        var oldBranch = await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 24);
        Assert.Equal(m, oldBranch.Select(p => p.Message));
        Assert.Equal(new SiblingPlace(0, 2), oldBranch[100].Place);

        Assert.Equal(edited[^1].Id, await stores.Conversations.SelectBranchAsync(id, userId, edited[0].Id, Ct));
        var branchGone = await stores.Conversations.DeleteMessageAsync(id, userId, edited[0].Id, [], Ct);

        Assert.Equal(edited.Select(e => e.Id).Order(), branchGone?.Deleted.Order());
        Assert.Equal(m[^1].Id, branchGone?.LeafId);
        Assert.Equal(m, await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        Assert.Equal(new PlacedMessage(m[100], SiblingPlace.Only), await stores.Conversations.GetMessageAsync(id, userId, m[100].Id, Ct));
        Assert.Null(await stores.Conversations.GetMessageAsync(id, userId, edited[150].Id, Ct));
        Assert.Equal(m, (await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 24)).Select(p => p.Message));

        var tailGone = await stores.Conversations.DeleteMessageAsync(id, userId, m[1_000].Id, [], Ct);

        Assert.Equal(m[1_000..].Select(e => e.Id).Order(), tailGone?.Deleted.Order());
        Assert.Equal(m[999].Id, tailGone?.LeafId);
        Assert.Equal(m[..1_000], await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        Assert.Null(await stores.Conversations.GetMessageAsync(id, userId, m[1_100].Id, Ct));
        Assert.Equal(m[999], Assert.Single((await stores.Conversations.ListPageAsync(new ConversationListQuery(userId, [], null, 10), Ct)).Conversations).Leaf);
        var more = await AppendAllAsync(stores, conversation, Talk(2, m[999].Id, "after"));
        Assert.Equal([.. m[..1_000], .. more], await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        Assert.Equal([.. m[..1_000], .. more], (await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 21)).Select(p => p.Message));
    }

    [Fact]
    public async Task SearchFindsWordsInAnOldMessageOfALongConversationButNotItsOldTextOrDeletedMessages()
    {
        SkipOnMongoWire(TextSearch);
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var (id, userId) = (conversation.Id, conversation.UserId);
        var (early, editedAway, deleted, now) = (UniqueWord(), UniqueWord(), UniqueWord(), UniqueWord());
        var talk = Talk(1_200);
        talk[3] = talk[3] with { Text = $"The {early} signal." };
        talk[6] = talk[6] with { Text = $"Was {editedAway}." };
        talk[1_100] = talk[1_100] with { Text = $"Soon {deleted}." };
        var m = await AppendAllAsync(stores, conversation, talk);
        await stores.Conversations.ChangeMessageAsync(id, userId, new MessageChange(m[6].Id, $"Now {now}.", Now, Edited: true), Ct);
        await stores.Conversations.DeleteMessageAsync(id, userId, m[1_000].Id, [], Ct);

        var found = Assert.Single(await SearchAsync(stores, userId, early));

        Assert.Equal(new FoundText(m[3].Id, m[3].Text), found.Match);
        Assert.Equal(m[999], found.Leaf);
        Assert.Equal(m[6].Id, Assert.Single(await SearchAsync(stores, userId, now)).Match?.MessageId);
        Assert.Empty(await SearchAsync(stores, userId, editedAway));
        Assert.Empty(await SearchAsync(stores, userId, deleted));
    }

    [Fact]
    public async Task TwoWritersAppendingToALongConversationAtOnceLoseAndDoubleNothing()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var (id, userId) = (conversation.Id, conversation.UserId);
        var m = await AppendAllAsync(stores, conversation, Talk(1_000));
        // Two devices, each going on from the last message on a branch of its own.
        var (a, b) = (Talk(300, m[^1].Id, "a"), Talk(300, m[^1].Id, "b"));

        await Task.WhenAll(Task.Run(() => AppendAllAsync(stores, conversation, a)), Task.Run(() => AppendAllAsync(stores, conversation, b))).WaitAsync(ManyWrites, Ct);

        var all = await stores.Conversations.GetAllMessagesAsync(id, userId, Ct);
        Assert.NotNull(all);
        Assert.Equal(1_600, all.Count);
        Assert.Equal(m, all.Take(1_000));
        Assert.Equal(a, all.Where(x => x.Text.StartsWith("a#", StringComparison.Ordinal)));
        Assert.Equal(b, all.Where(x => x.Text.StartsWith("b#", StringComparison.Ordinal)));
        // The last written is the leaf, and the two first messages are alternatives in the order they landed.
        Assert.Equal(all[^1].Id, (await stores.Conversations.GetAsync(id, userId, Ct))?.LeafId);
        Assert.Equal(all.Where(x => x.ParentId == m[^1].Id), await stores.Conversations.GetSiblingsAsync(id, userId, a[0].Id, Ct));
        var aPath = await stores.Conversations.GetPathAsync(id, userId, a[^1].Id, 350, Ct);
        AssertSlice([.. m[^50..], .. a], hasMore: true, aPath);
        AssertSlice([.. m[^50..], .. b], hasMore: true, await stores.Conversations.GetPathAsync(id, userId, b[^1].Id, 350, Ct));
        Assert.Equal(all.Where(x => x.ParentId == m[^1].Id).Select(x => x.Id).ToList().IndexOf(a[0].Id), aPath?.Places[50].Index);
        var active = all[^1].Text.StartsWith("a#", StringComparison.Ordinal) ? a : b;
        Assert.Equal([.. m, .. active], (await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 26)).Select(p => p.Message));
    }

    [Fact]
    public async Task MessagesSentAgainLongAfterTheyWereStoredAreStoredOnce()
    {
        await using var stores = await OpenStoresAsync();
        var conversation = await CreateConversationAsync(stores);
        var (id, userId) = (conversation.Id, conversation.UserId);
        var m = await AppendAllAsync(stores, conversation, Talk(1_002));

        var first = await stores.Conversations.AppendUserMessageAsync(id, userId, m[0] with { Id = Ids.New(), Text = "Sent again.", Timestamp = Now }, Ct);
        var middle = await stores.Conversations.AppendUserMessageAsync(id, userId, m[500] with { Id = Ids.New(), Text = "Sent again.", Timestamp = Now }, Ct);
        var reply = await stores.Conversations.AppendReplyAsync(id, m[1] with { Text = "Written again." }, Ct);

        Assert.Equal(new AppendResult(m[0], Appended: false), first);
        Assert.Equal(new AppendResult(m[500], Appended: false), middle);
        Assert.False(reply);
        Assert.Equal(m, await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        Assert.Equal(m[^1].Id, (await stores.Conversations.GetAsync(id, userId, Ct))?.LeafId);

        // A new message sent five times at once, as a client retrying over a flaky link.
        var next = UserMessage() with { ParentId = m[^1].Id };
        var attempts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            stores.Conversations.AppendUserMessageAsync(id, userId, next with { Id = Ids.New() }, Ct)))).WaitAsync(ManyWrites, Ct);

        var stored = Assert.Single(attempts, x => x!.Appended)!.Message;
        Assert.All(attempts, x => Assert.Equal(stored, x?.Message));
        Assert.Equal([.. m, stored], await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        Assert.Equal(m[0], await stores.Conversations.FindByClientMessageIdAsync(id, userId, m[0].ClientMessageId!, Ct));
    }

    [Fact]
    public async Task ADeletedLongConversationLeavesNothingToReadAndOthersOfTheUserStayWhole()
    {
        await using var stores = await OpenStoresAsync();
        var userId = Ids.New();
        var doomed = await CreateConversationAsync(stores, userId);
        var kept = await CreateConversationAsync(stores, userId);
        var gone = await AppendAllAsync(stores, doomed, Talk(1_200));
        var stay = await AppendAllAsync(stores, kept, Talk(1_200));

        Assert.True(await stores.Conversations.DeleteAsync(doomed.Id, userId, Ct));

        Assert.Null(await stores.Conversations.GetAsync(doomed.Id, userId, Ct));
        Assert.Null(await stores.Conversations.GetAllMessagesAsync(doomed.Id, userId, Ct));
        Assert.Null(await stores.Conversations.GetMessagesAsync(doomed.Id, userId, 50, gone[100].Id, Ct));
        Assert.Null(await stores.Conversations.GetMessageAsync(doomed.Id, userId, gone[0].Id, Ct));
        Assert.Null(await stores.Conversations.GetSiblingsAsync(doomed.Id, userId, gone[0].Id, Ct));
        Assert.Null(await stores.Conversations.FindByClientMessageIdAsync(doomed.Id, userId, gone[0].ClientMessageId!, Ct));
        Assert.Null(await stores.Conversations.SelectBranchAsync(doomed.Id, userId, gone[0].Id, Ct));
        Assert.Null(await stores.Conversations.AppendUserMessageAsync(doomed.Id, userId, UserMessage() with { ParentId = gone[0].Id }, Ct));
        Assert.False(await stores.Conversations.AppendReplyAsync(doomed.Id, Reply(gone[0], id: Ids.New()), Ct));
        Assert.False(await stores.Conversations.ChangeMessageAsync(doomed.Id, userId, new MessageChange(gone[0].Id, "Back?", Now, Edited: true), Ct));
        Assert.False(await stores.Conversations.DeleteAsync(doomed.Id, userId, Ct));
        Assert.Equal([kept.Id], (await stores.Conversations.ListAsync(userId, Ct)).Select(c => c.Id));
        Assert.Equal(stay, await stores.Conversations.GetAllMessagesAsync(kept.Id, userId, Ct));
        Assert.Equal(stay[0], await stores.Conversations.FindByClientMessageIdAsync(kept.Id, userId, stay[0].ClientMessageId!, Ct));
    }

    [Fact]
    public async Task ALongImportedTreeReadsBackWholeAndInOrderAndGrows()
    {
        await using var stores = await OpenStoresAsync();
        // A talk of 2,400 with a swiped alternative every hundred messages, and a talk of its own under one of them: 2,500 in all.
        var talk = Talk(2_400);
        var swipes = Enumerable.Range(0, 24).Select(i => talk[i * 100 + 51]).ToDictionary(t => t.Id, t => t with { Id = Ids.New(), Text = $"Swiped {t.Text}" });
        var aside = Talk(76, swipes[talk[151].Id].Id, "aside");
        var opening = new List<StoredMessage>();
        foreach (var t in talk)
        {
            opening.Add(t);
            if (!swipes.TryGetValue(t.Id, out var swipe)) continue;
            opening.Add(swipe);
            if (t == talk[151]) opening.AddRange(aside);
        }
        var conversation = new Conversation(Ids.New(), Ids.New(), Ids.New(), Now, Now) { Title = "Imported", LeafId = talk[^1].Id };
        var (id, userId) = (conversation.Id, conversation.UserId);

        await stores.Conversations.CreateAsync(conversation, opening, Ct);

        Assert.Equal(2_500, opening.Count);
        Assert.Equal(conversation, await stores.Conversations.GetAsync(id, userId, Ct));
        Assert.Equal(opening, await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        var branch = await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 48);
        Assert.Equal(talk, branch.Select(p => p.Message));
        Assert.Equal(talk.Select(t => swipes.ContainsKey(t.Id) ? new SiblingPlace(0, 2) : SiblingPlace.Only), branch.Select(p => p.Place));
        Assert.Equal([talk[1_951], swipes[talk[1_951].Id]], await stores.Conversations.GetSiblingsAsync(id, userId, talk[1_951].Id, Ct));
        var asidePath = await stores.Conversations.GetPathAsync(id, userId, aside[^1].Id, 100, Ct);
        AssertSlice([.. talk[128..151], swipes[talk[151].Id], .. aside], hasMore: true, asidePath);
        Assert.Equal(new SiblingPlace(1, 2), asidePath?.Places[23]);
        Assert.Equal(talk[2], await stores.Conversations.FindByClientMessageIdAsync(id, userId, talk[2].ClientMessageId!, Ct));

        var more = await AppendAllAsync(stores, conversation, Talk(10, talk[^1].Id, "more"));

        Assert.Equal(new AppendResult(talk[2], Appended: false), await stores.Conversations.AppendUserMessageAsync(id, userId, talk[2] with { Id = Ids.New() }, Ct));
        Assert.Equal([.. opening, .. more], await stores.Conversations.GetAllMessagesAsync(id, userId, Ct));
        AssertSlice([.. talk[^10..], .. more], hasMore: true, await stores.Conversations.GetMessagesAsync(id, userId, 20, null, Ct));
        Assert.Equal([.. talk, .. more], (await ReadBranchBackwardsAsync(stores, conversation, 50, expectedPages: 49)).Select(p => p.Message));
    }

    /// <summary>
    /// A talk of <paramref name="count"/> messages, the user's and the character's in turn, each under the one before (the first
    /// under <paramref name="parentId"/>). Each text starts with its label and number; most are a line or a paragraph, every 97th
    /// is several KB, so no store can count on messages being small.
    /// </summary>
    private static StoredMessage[] Talk(int count, string? parentId = null, string label = "")
    {
        var messages = new StoredMessage[count];
        for (var i = 0; i < count; i++)
        {
            var text = $"{label}#{i} " + new string((char)('a' + i % 26), i % 97 == 0 ? 3_000 + i % 5 * 1_000 : 20 + i * 37 % 400);
            messages[i] = i % 2 == 0
                ? UserMessage() with { Text = text, ParentId = i == 0 ? parentId : messages[i - 1].Id }
                : Reply(messages[i - 1]) with { Text = text };
        }
        return messages;
    }

    /// <summary>Appends the messages one by one, as the hub does: a user message, then its reply.</summary>
    private static async Task<StoredMessage[]> AppendAllAsync(Stores stores, Conversation conversation, StoredMessage[] messages)
    {
        foreach (var message in messages)
        {
            var appended = message.Sender == MessageValues.SenderUser
                ? (await stores.Conversations.AppendUserMessageAsync(conversation.Id, conversation.UserId, message, Ct))?.Appended
                : await stores.Conversations.AppendReplyAsync(conversation.Id, message, Ct);
            Assert.True(appended, $"Not appended: {message.Text[..Math.Min(12, message.Text.Length)]}");
        }
        return messages;
    }

    /// <summary>
    /// The active branch read as the page reads it: from the leaf back, each page before the first message of the one before,
    /// until one says there is no more. Every page but the last is full; the branch comes back root side first, with its places.
    /// </summary>
    private static async Task<List<PlacedMessage>> ReadBranchBackwardsAsync(Stores stores, Conversation conversation, int limit, int expectedPages)
    {
        var pages = new List<MessageSlice>();
        string? before = null;
        while (pages.Count <= expectedPages)
        {
            var page = await stores.Conversations.GetMessagesAsync(conversation.Id, conversation.UserId, limit, before, Ct);
            Assert.NotNull(page);
            Assert.Equal(page.Messages.Count, page.Places.Count);
            pages.Add(page);
            if (!page.HasMore) break;
            Assert.Equal(limit, page.Messages.Count);
            before = page.Messages[0].Id;
        }

        Assert.Equal(expectedPages, pages.Count);
        Assert.False(pages[^1].HasMore);
        Assert.NotEmpty(pages[^1].Messages);
        pages.Reverse();
        return [.. pages.SelectMany(p => p.Placed)];
    }
}
