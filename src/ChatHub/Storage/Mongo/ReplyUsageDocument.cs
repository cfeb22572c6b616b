using ChatHub.Usage;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>A reply's <c>usage</c> subdocument in <c>messages</c>.</summary>
[BsonNoId, BsonIgnoreExtraElements]
internal sealed class ReplyUsageDocument
{
    [BsonElement("prompt_tokens")]
    public int PromptTokens { get; set; }

    [BsonElement("completion_tokens")]
    public int CompletionTokens { get; set; }

    [BsonElement("model")]
    public required string Model { get; set; }

    [BsonElement("time_to_first_token_ms"), BsonIgnoreIfNull]
    public int? TimeToFirstTokenMs { get; set; }

    public static ReplyUsageDocument? From(ReplyUsage? usage) => usage is null ? null : new()
    {
        PromptTokens = usage.PromptTokens,
        CompletionTokens = usage.CompletionTokens,
        Model = usage.Model,
        TimeToFirstTokenMs = usage.TimeToFirstTokenMs,
    };

    public ReplyUsage ToReplyUsage() => new(PromptTokens, CompletionTokens, Model, TimeToFirstTokenMs);
}
