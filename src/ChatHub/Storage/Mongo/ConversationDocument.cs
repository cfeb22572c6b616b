using ChatHub.Conversations;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A <c>conversations</c> document; its messages are embedded, as in the seed, so an append is one <c>$push</c>.</summary>
[BsonIgnoreExtraElements]
internal sealed class ConversationDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    [BsonElement("character_id")]
    public ObjectId CharacterId { get; set; }

    [BsonElement("created_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset CreatedAt { get; set; }

    [BsonElement("updated_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset UpdatedAt { get; set; }

    [BsonElement("title"), BsonIgnoreIfNull]
    public string? Title { get; set; }

    /// <summary>Absent in conversations written before trees: their last message is the leaf.</summary>
    [BsonElement("leaf_id"), BsonIgnoreIfNull]
    public ObjectId? LeafId { get; set; }

    /// <summary>The reply the last user message asked for, until a reply is appended (<see cref="Conversations.IConversationStore.ListUnansweredAsync"/>).</summary>
    [BsonElement("awaiting_reply_id"), BsonIgnoreIfNull]
    public ObjectId? AwaitingReplyId { get; set; }

    /// <summary>The model profile the user picked; absent to use the character's (and in documents written before issue 17).</summary>
    [BsonElement("model_profile"), BsonIgnoreIfNull]
    public string? ModelProfile { get; set; }

    /// <summary>The rolling summary (issue 17); absent until one is written.</summary>
    [BsonElement("memory"), BsonIgnoreIfNull]
    public MemoryDocument? Memory { get; set; }

    /// <summary>
    /// The recent messages (the live ones); older ones are in <see cref="Buckets"/> bucket documents (<see cref="BucketDocument"/>).
    /// Empty, not absent, when a read projected the messages away.
    /// </summary>
    [BsonElement("messages")]
    public List<MessageDocument> Messages { get; set; } = [];

    /// <summary>
    /// How many <c>conversation_messages</c> buckets hold the older messages: numbers 0 to this − 1. A bucket numbered this is a
    /// roll-over not committed yet (or cut short), which no read looks at.
    /// </summary>
    [BsonElement("buckets"), BsonIgnoreIfDefault]
    public int Buckets { get; set; }

    /// <summary>Goes up with every change to or delete of a stored message here, so a roll-over that read the messages before commits nothing.</summary>
    [BsonElement("edits"), BsonIgnoreIfDefault]
    public long Edits { get; set; }

    /// <summary>How many messages <see cref="Messages"/> holds; absent in documents written before buckets (their first append counts them).</summary>
    [BsonElement("live_count"), BsonIgnoreIfNull]
    public int? LiveCount { get; set; }

    /// <summary>
    /// The BSON bytes of <see cref="Messages"/>, never less than the truth (a change adds its new text and takes nothing off until the
    /// next roll-over measures again); absent in documents written before buckets.
    /// </summary>
    [BsonElement("live_bytes"), BsonIgnoreIfNull]
    public long? LiveBytes { get; set; }

    public static ConversationDocument From(Conversation conversation, IReadOnlyList<StoredMessage> opening) => new()
    {
        Id = ObjectId.Parse(conversation.Id),
        UserId = ObjectId.Parse(conversation.UserId),
        CharacterId = ObjectId.Parse(conversation.CharacterId),
        CreatedAt = conversation.CreatedAt,
        UpdatedAt = conversation.UpdatedAt,
        Title = conversation.Title,
        ModelProfile = conversation.ModelProfile,
        Memory = MemoryDocument.From(conversation.Memory),
        LeafId = conversation.LeafId is { } leaf ? ObjectId.Parse(leaf) : opening.Count > 0 ? ObjectId.Parse(opening[0].Id) : null,
        Messages = [.. opening.Select(MessageDocument.From)],
    };

    /// <summary>A conversation written before trees has no leaf stored; <paramref name="leafId"/> is then the one its messages imply.</summary>
    public Conversation ToConversation(string? leafId = null) =>
        new(Id.ToString(), UserId.ToString(), CharacterId.ToString(), CreatedAt, UpdatedAt) { Title = Title, LeafId = LeafId?.ToString() ?? leafId, ModelProfile = ModelProfile, Memory = Memory?.ToMemory() ?? ConversationMemory.None };
}

/// <summary>A conversation's <c>memory</c>: its rolling summary and the last message it covers.</summary>
[BsonNoId, BsonIgnoreExtraElements]
internal sealed class MemoryDocument
{
    [BsonElement("summary")]
    public string Summary { get; set; } = "";

    [BsonElement("through_id"), BsonIgnoreIfNull]
    public ObjectId? ThroughId { get; set; }

    [BsonElement("enabled")]
    public bool Enabled { get; set; }

    [BsonElement("updated_at"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset UpdatedAt { get; set; }

    public static MemoryDocument? From(ConversationMemory memory) => memory == ConversationMemory.None ? null : new()
    {
        Summary = memory.Summary,
        ThroughId = memory.ThroughId is null ? null : ObjectId.Parse(memory.ThroughId),
        Enabled = memory.Enabled,
        UpdatedAt = memory.UpdatedAt,
    };

    public ConversationMemory ToMemory() => new(Summary, ThroughId?.ToString(), Enabled, UpdatedAt);
}

/// <summary>
/// One element of <c>messages</c>. It has its own <c>id</c> (not <c>_id</c>: it is not a document of its
/// own) so replies can point at it and pages can start before it; absent fields stay out of the array.
/// </summary>
[BsonNoId, BsonIgnoreExtraElements]
internal sealed class MessageDocument
{
    [BsonElement("id")]
    public ObjectId Id { get; set; }

    [BsonElement("sender")]
    public required string Sender { get; set; }

    [BsonElement("message")]
    public required string Message { get; set; }

    [BsonElement("timestamp"), BsonRepresentation(BsonType.DateTime)]
    public DateTimeOffset Timestamp { get; set; }

    [BsonElement("client_message_id"), BsonIgnoreIfNull]
    public string? ClientMessageId { get; set; }

    [BsonElement("reply_id"), BsonIgnoreIfNull]
    public ObjectId? ReplyId { get; set; }

    [BsonElement("in_reply_to"), BsonIgnoreIfNull]
    public ObjectId? InReplyTo { get; set; }

    [BsonElement("status"), BsonIgnoreIfNull]
    public string? Status { get; set; }

    [BsonElement("error"), BsonIgnoreIfNull]
    public string? Error { get; set; }

    [BsonElement("parent_id"), BsonIgnoreIfNull]
    public ObjectId? ParentId { get; set; }

    /// <summary>A first message. Without it, a message with no <c>parent_id</c> was written before trees and follows the one before it.</summary>
    [BsonElement("root"), BsonIgnoreIfDefault]
    public bool Root { get; set; }

    [BsonElement("edited"), BsonIgnoreIfDefault]
    public bool Edited { get; set; }

    [BsonElement("request_id"), BsonIgnoreIfNull]
    public string? RequestId { get; set; }
    [BsonElement("usage"), BsonIgnoreIfNull]
    public ReplyUsageDocument? Usage { get; set; }

    public static MessageDocument From(StoredMessage message) => new()
    {
        Id = ObjectId.Parse(message.Id),
        Sender = message.Sender,
        Message = message.Text,
        Timestamp = message.Timestamp,
        ClientMessageId = message.ClientMessageId,
        ReplyId = message.ReplyId is null ? null : ObjectId.Parse(message.ReplyId),
        InReplyTo = message.InReplyTo is null ? null : ObjectId.Parse(message.InReplyTo),
        Status = message.Status,
        Error = message.Error,
        ParentId = message.ParentId is null ? null : ObjectId.Parse(message.ParentId),
        Root = message.ParentId is null,
        Edited = message.Edited,
        RequestId = message.RequestId,
        Usage = ReplyUsageDocument.From(message.Usage),
    };

    /// <param name="impliedParentId">The parent the tree gives a message written before trees.</param>
    public StoredMessage ToStoredMessage(string? impliedParentId = null) => new(
        Id.ToString(),
        Sender,
        Message,
        Timestamp,
        ClientMessageId,
        ReplyId?.ToString(),
        InReplyTo?.ToString(),
        Status,
        Error,
        ParentId?.ToString() ?? impliedParentId,
        Edited,
        RequestId,

        Usage?.ToReplyUsage());
}
