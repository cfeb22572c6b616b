using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// A <c>conversation_messages</c> document: a run of a conversation's older messages, moved out of the conversation document
/// by a roll-over (<see cref="MessageBuckets"/>), so no document grows without bound. Buckets are numbered from 0 in the order
/// written; the conversation's <see cref="ConversationDocument.Buckets"/> says which are committed.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class BucketDocument
{
    [BsonId]
    public ObjectId Id { get; set; }

    [BsonElement("conversation_id")]
    public ObjectId ConversationId { get; set; }

    /// <summary>The owner, for the search index and so a bucket is never read without its conversation's owner.</summary>
    [BsonElement("user_id")]
    public ObjectId UserId { get; set; }

    [BsonElement("bucket")]
    public int Number { get; set; }

    /// <summary>The conversation's <see cref="ConversationDocument.Edits"/> when the roll-over read these messages: a later roll-over may write over an older one.</summary>
    [BsonElement("edits")]
    public long Edits { get; set; }

    /// <summary>Set once a message here was changed or deleted: the bucket is committed, and no roll-over may write over it again.</summary>
    [BsonElement("sealed"), BsonIgnoreIfDefault]
    public bool Sealed { get; set; }

    /// <summary>The BSON bytes of <see cref="Messages"/>, never less than the truth (a change adds its new text).</summary>
    [BsonElement("bytes")]
    public long Bytes { get; set; }

    /// <summary>Each with an explicit <c>parent_id</c> (or <c>root</c>), whatever the conversation held before trees.</summary>
    [BsonElement("messages")]
    public List<MessageDocument> Messages { get; set; } = [];
}
