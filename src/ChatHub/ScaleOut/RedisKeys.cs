using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>Every key and channel of one deployment, under its prefix, so deployments can share a Redis.</summary>
public sealed class RedisKeys(string prefix)
{
    public string Prefix { get; } = prefix;
    public RedisKey Conversation(string conversationId) => $"{Prefix}:conv:{conversationId}";
    public RedisKey UserReplies(string userId) => $"{Prefix}:user:{userId}:replies";
    public RedisKey UserConnections(string userId) => $"{Prefix}:user:{userId}:connections";
    public RedisKey Reply(string replyId) => $"{Prefix}:reply:{replyId}";
    public RedisKey ReplyText(string replyId) => $"{Prefix}:reply:{replyId}:text";
    public RedisKey ActiveReplies => $"{Prefix}:active";
    /// <summary>A user's tokens in a period: a UTC day (<c>yyyy-MM-dd</c>) or month (<c>yyyy-MM</c>).</summary>
    public RedisKey Usage(string userId, string period) => $"{Prefix}:usage:{userId}:{period}";
    public RedisKey DataProtectionKeys => $"{Prefix}:dataprotection-keys";
    public RedisChannel StopChannel => RedisChannel.Literal($"{Prefix}:stop");
    public RedisChannel DeletedChannel => RedisChannel.Literal($"{Prefix}:deleted");
    public RedisChannel SessionsEndedChannel => RedisChannel.Literal($"{Prefix}:sessions-ended");
}
