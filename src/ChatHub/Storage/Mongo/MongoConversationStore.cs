using ChatHub.Contracts;
using ChatHub.Conversations;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoConversationStore(IMongoDatabase database) : IConversationStore
{
    private static readonly FilterDefinitionBuilder<ConversationDocument> Filter = Builders<ConversationDocument>.Filter;
    private static readonly ProjectionDefinitionBuilder<ConversationDocument> Projection = Builders<ConversationDocument>.Projection;
    private static readonly ProjectionDefinition<ConversationDocument> WithoutMessages = Projection.Exclude(d => d.Messages);

    private readonly IMongoCollection<ConversationDocument> conversations = database.Conversations();

    public Task CreateAsync(Conversation conversation, CancellationToken cancellationToken) =>
        conversations.InsertOneAsync(ConversationDocument.From(conversation), cancellationToken: cancellationToken);

    public async Task<Conversation?> GetAsync(string id, string userId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(id, userId, out var conversationId, out var ownerId))
        {
            return null;
        }

        var document = await conversations.Find(OwnerFilter(conversationId, ownerId))
            .Project<ConversationDocument>(WithoutMessages)
            .FirstOrDefaultAsync(cancellationToken);
        return document?.ToConversation();
    }

    public async Task<IReadOnlyList<Conversation>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var ownerId))
        {
            return [];
        }

        var documents = await conversations.Find(Filter.Eq(d => d.UserId, ownerId))
            .Sort(Builders<ConversationDocument>.Sort.Descending(d => d.UpdatedAt).Descending(d => d.Id))
            .Project<ConversationDocument>(WithoutMessages)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToConversation());
    }

    public async Task<bool> DeleteAsync(string id, string userId, CancellationToken cancellationToken)
    {
        if (!TryParseIds(id, userId, out var conversationId, out var ownerId))
        {
            return false;
        }

        var result = await conversations.DeleteOneAsync(OwnerFilter(conversationId, ownerId), cancellationToken);
        return result.DeletedCount == 1;
    }

    public async Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken cancellationToken)
    {
        // Without a client message id the $ne guard would compare against the replies, which have none.
        ArgumentException.ThrowIfNullOrEmpty(message.ClientMessageId);
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        var document = MessageDocument.From(message);
        var result = await conversations.UpdateOneAsync(
            AppendUserMessageFilter(id, ownerId, message.ClientMessageId), AppendUpdate(document), cancellationToken: cancellationToken);
        if (result.ModifiedCount == 1)
        {
            return new AppendResult(message, Appended: true);
        }

        // Nothing matched: either a retry whose message is already there, or no such conversation for this user.
        var existing = await FindByClientMessageIdAsync(id, ownerId, message.ClientMessageId, cancellationToken);
        return existing is null ? null : new AppendResult(existing, Appended: false);
    }

    public Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken cancellationToken) =>
        TryParseIds(conversationId, userId, out var id, out var ownerId)
            ? FindByClientMessageIdAsync(id, ownerId, clientMessageId, cancellationToken)
            : Task.FromResult<StoredMessage?>(null);

    public async Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(conversationId, out var id))
        {
            return false;
        }

        var document = MessageDocument.From(reply);
        var result = await conversations.UpdateOneAsync(
            AppendReplyFilter(id, document.Id), AppendUpdate(document), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (!TryParseIds(conversationId, userId, out var id, out var ownerId))
        {
            return null;
        }

        var owner = OwnerFilter(id, ownerId);
        if (beforeId is null)
        {
            var latest = await FindMessagesAsync(owner, LatestMessages(limit), cancellationToken);
            return latest is null ? null : new MessageSlice([.. latest.TakeLast(limit)], HasMore: latest.Count > limit);
        }

        var position = await conversations.Find(owner).Project(IndexOfMessage(beforeId)).FirstOrDefaultAsync(cancellationToken);
        if (position is null)
        {
            return null;
        }

        // -1 when the message is not in this conversation: then nothing is "before" it.
        if (position["index"] is not BsonInt32 { Value: var index and > 0 })
        {
            return new MessageSlice([], HasMore: false);
        }

        // Messages are only ever appended, so the position read above still holds for this second read.
        var start = Math.Max(0, index - limit);
        var page = await FindMessagesAsync(owner, Projection.Slice(d => d.Messages, start, index - start), cancellationToken);
        return page is null ? null : new MessageSlice(page, HasMore: start > 0);
    }

    public async Task<IReadOnlyList<UnansweredMessage>> ListUnansweredAsync(CancellationToken cancellationToken)
    {
        // Only the last message can be waiting; the filter keeps conversations whose messages include a user message with a reply id.
        var candidates = conversations.Find(Filter.ElemMatch(d => d.Messages, m => m.Sender == MessageValues.SenderUser && m.ReplyId != null))
            .Project<ConversationDocument>(Projection.Slice(d => d.Messages, -1));
        var unanswered = new List<UnansweredMessage>();
        await candidates.ForEachAsync(d =>
        {
            if (d.Messages is [{ Sender: MessageValues.SenderUser, ReplyId: not null } last]) unanswered.Add(new UnansweredMessage(d.Id.ToString(), last.ToStoredMessage()));
        }, cancellationToken);
        return unanswered;
    }

    internal static FilterDefinition<ConversationDocument> OwnerFilter(ObjectId id, ObjectId userId) =>
        Filter.Eq(d => d.Id, id) & Filter.Eq(d => d.UserId, userId);

    internal static FilterDefinition<ConversationDocument> AppendUserMessageFilter(ObjectId id, ObjectId userId, string clientMessageId) =>
        OwnerFilter(id, userId) & Filter.Ne("messages.client_message_id", clientMessageId);

    internal static FilterDefinition<ConversationDocument> AppendReplyFilter(ObjectId id, ObjectId replyId) =>
        Filter.Eq(d => d.Id, id) & Filter.Ne("messages.id", replyId);

    internal static UpdateDefinition<ConversationDocument> AppendUpdate(MessageDocument message) =>
        Builders<ConversationDocument>.Update
            .Push(d => d.Messages, message)
            .Max(d => d.UpdatedAt, message.Timestamp); // $max: a late reply never moves the conversation back in the list

    /// <summary>One more than asked for, from the end, to learn whether older ones exist without reading them all.</summary>
    internal static ProjectionDefinition<ConversationDocument> LatestMessages(int limit) =>
        Projection.Slice(d => d.Messages, -(limit + 1));

    internal static ProjectionDefinition<ConversationDocument> IndexOfMessage(string messageId)
    {
        // A before id that is not an ObjectId goes in as a string, which matches no message id.
        BsonValue value = ObjectId.TryParse(messageId, out var id) ? id : messageId;
        return new BsonDocument("index", new BsonDocument("$indexOfArray", new BsonArray { "$messages.id", value }));
    }

    private async Task<StoredMessage?> FindByClientMessageIdAsync(ObjectId id, ObjectId userId, string clientMessageId, CancellationToken cancellationToken)
    {
        var messages = await FindMessagesAsync(
            OwnerFilter(id, userId), Projection.ElemMatch(d => d.Messages, m => m.ClientMessageId == clientMessageId), cancellationToken);
        return messages?.SingleOrDefault();
    }

    private async Task<List<StoredMessage>?> FindMessagesAsync(
        FilterDefinition<ConversationDocument> filter, ProjectionDefinition<ConversationDocument> messages, CancellationToken cancellationToken)
    {
        var document = await conversations.Find(filter).Project<ConversationDocument>(messages).FirstOrDefaultAsync(cancellationToken);
        return document?.Messages.ConvertAll(m => m.ToStoredMessage());
    }

    /// <summary>Ids come from URLs and hub calls; one that is not an ObjectId names no conversation, as in the SQLite store.</summary>
    private static bool TryParseIds(string id, string userId, out ObjectId conversationId, out ObjectId ownerId) =>
        ObjectId.TryParse(id, out conversationId) & ObjectId.TryParse(userId, out ownerId);
}
