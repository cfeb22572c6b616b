using ChatHub.Conversations;
using ChatHub.Storage.Mongo;
using MongoDB.Bson;

namespace ChatHub.Tests.Storage;

/// <summary>What the MongoDB store makes of a conversation its text index found: the index matches a document as a whole.</summary>
public sealed class MongoSearchMatchTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeMilliseconds(1_742_342_460_123);

    [Fact]
    public void TheLatestMessageHoldingEveryWordIsTheMatchAndTheStoredLeafIsTheLeaf()
    {
        var (greeting, older, newer) = (Message("ai", "Welcome to Gotham."), Message("ai", "The bat SIGNAL shines."), Message("ai", "A signal, again, for the bat."));
        newer.ParentId = older.ParentId = greeting.Id;
        var document = Document(title: null, leaf: older.Id, greeting, older, newer);

        var found = MongoConversationStore.Found(document, ["bat", "signal"]);

        Assert.Equal(new FoundText(newer.Id.ToString(), newer.Message), found?.Match);
        Assert.Equal(older.Id.ToString(), found?.Leaf?.Id);
        Assert.Equal(greeting.Id.ToString(), found?.Leaf?.ParentId);
        Assert.Equal(older.Id.ToString(), found?.Conversation.LeafId);
    }

    [Fact]
    public void WithoutAMessageHoldingEveryWordTheTitleMatchesOrNothingDoes()
    {
        var document = Document(title: "Bat signal nights", leaf: null, Message("user", "The bat."), Message("ai", "The signal."));

        Assert.Equal(new FoundText(null, "Bat signal nights"), MongoConversationStore.Found(document, ["bat", "signal"])?.Match);
        Assert.Null(MongoConversationStore.Found(document, ["bat", "robin"]));
        Assert.Null(MongoConversationStore.Found(document, ["signals"]));
    }

    [Fact]
    public void AnOlderMessageFromABucketMatchesBeforeTheTitleButAfterALiveOne()
    {
        var older = Message("user", "The bat signal, years ago.");
        var quiet = Document(title: "Bat signal nights", leaf: null, Message("user", "Nothing here."));
        var live = Message("ai", "The bat signal, now.");
        var loud = Document(title: null, leaf: null, live);

        Assert.Equal(new FoundText(older.Id.ToString(), older.Message), MongoConversationStore.Found(quiet, ["bat", "signal"], older)?.Match);
        Assert.Equal(new FoundText(live.Id.ToString(), live.Message), MongoConversationStore.Found(loud, ["bat", "signal"], older)?.Match);
    }

    private static MessageDocument Message(string sender, string text) => new() { Id = ObjectId.GenerateNewId(), Sender = sender, Message = text, Timestamp = At };

    private static ConversationDocument Document(string? title, ObjectId? leaf, params MessageDocument[] messages) => new()
    {
        Id = ObjectId.GenerateNewId(),
        UserId = ObjectId.GenerateNewId(),
        CharacterId = ObjectId.GenerateNewId(),
        CreatedAt = At,
        UpdatedAt = At,
        Title = title,
        LeafId = leaf,
        Messages = [.. messages],
    };
}
