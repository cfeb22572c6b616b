using ChatHub.Chat;
using ChatHub.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatHub.ScaleOut;

/// <summary>
/// The replies in flight, as every node sees them. Each reply holds a lease that its node renews;
/// a reply whose lease ran out belongs to a node that died, and <see cref="ClaimOrphansAsync"/>
/// hands it to exactly one surviving node. While Redis is unreachable the node works alone: it
/// refuses nothing on Redis' account and its own watchers still get everything. Every call goes
/// through <see cref="RedisGuard"/>, so none of them throws or waits longer than <c>Redis:CommandTimeout</c>.
/// </summary>
public sealed class RedisReplyRegistry(
    RedisGuard guard,
    RedisKeys keys,
    IOptions<ScaleOutOptions> options) : IReplyRegistry
{
    private const int Busy = 1;
    private const int UserLimit = 2;

    // Redis' own clock: the nodes' clocks may disagree. The reply's text outlives its lease so that
    // the node that claims an orphan can still store what was written.
    private const string Now = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";

    private static readonly LuaScript ReserveScript = LuaScript.Prepare(Now + """
        if redis.call('EXISTS', @conversation) == 1 then return 1 end
        redis.call('ZREMRANGEBYSCORE', @user, '-inf', now)
        if redis.call('ZCARD', @user) >= tonumber(@limit) then return 2 end
        local lease = tonumber(@lease)
        redis.call('SET', @conversation, @replyId, 'PX', lease)
        redis.call('ZADD', @user, now + lease, @replyId)
        redis.call('PEXPIRE', @user, lease)
        redis.call('HSET', @reply, 'conversationId', @conversationId, 'userId', @userId, 'inReplyTo', @inReplyTo, 'seq', -1)
        redis.call('SET', @text, @prefix, 'PX', lease * 3)
        redis.call('PEXPIRE', @reply, lease * 3)
        redis.call('ZADD', @active, now + lease, @replyId)
        return 0
        """);

    private static readonly LuaScript DeltaScript = LuaScript.Prepare("""
        redis.call('APPEND', @text, @delta)
        redis.call('HSET', @reply, 'seq', @seq)
        """);

    private static readonly LuaScript RenewScript = LuaScript.Prepare(Now + """
        local lease = tonumber(@lease)
        if redis.call('GET', @conversation) == @replyId then redis.call('PEXPIRE', @conversation, lease) end
        redis.call('ZADD', @user, 'XX', now + lease, @replyId)
        redis.call('PEXPIRE', @user, lease)
        redis.call('ZADD', @active, 'XX', now + lease, @replyId)
        redis.call('PEXPIRE', @reply, lease * 3)
        redis.call('PEXPIRE', @text, lease * 3)
        """);

    private static readonly LuaScript ReleaseScript = LuaScript.Prepare("""
        if redis.call('GET', @conversation) == @replyId then redis.call('DEL', @conversation) end
        redis.call('ZREM', @user, @replyId)
        redis.call('ZREM', @active, @replyId)
        redis.call('DEL', @reply, @text)
        """);

    private static readonly LuaScript SnapshotScript = LuaScript.Prepare("""
        local replyId = redis.call('GET', @conversation)
        if not replyId then return false end
        local reply = @replyPrefix .. replyId
        local fields = redis.call('HMGET', reply, 'inReplyTo', 'seq')
        if not fields[1] then return false end
        return { replyId, fields[1], fields[2], redis.call('GET', reply .. ':text') or '' }
        """);

    // Taking an id out of the set is the claim: ZREM succeeds on exactly one node.
    private static readonly LuaScript ClaimScript = LuaScript.Prepare(Now + """
        local ids = redis.call('ZRANGEBYSCORE', @active, '-inf', now, 'LIMIT', 0, 20)
        for _, id in ipairs(ids) do redis.call('ZREM', @active, id) end
        return ids
        """);

    private long LeaseMs => (long)options.Value.ReplyLease.TotalMilliseconds;

    public async ValueTask<string?> TryReserveAsync(ReplyRun run, int perUserLimit)
    {
        var result = (int)await EvaluateAsync(ReserveScript, Parameters(run, perUserLimit), fallback: 0);
        return result switch
        {
            Busy => Refusals.ConversationBusy,
            UserLimit => Refusals.TooManyReplies(perUserLimit),
            _ => null,
        };
    }

    public async ValueTask RecordDeltaAsync(ReplyRun run, string text, int seq) =>
        await EvaluateAsync(DeltaScript, new { text = keys.ReplyText(run.ReplyId), reply = keys.Reply(run.ReplyId), delta = text, seq }, fallback: 0);

    /// <summary>Keeps this node's replies alive; a node that stops renewing is taken for dead.</summary>
    public async Task RenewAsync(IEnumerable<ReplyRun> runs)
    {
        foreach (var run in runs)
        {
            await EvaluateAsync(RenewScript, Parameters(run), fallback: 0);
        }
    }

    public async ValueTask ReleaseAsync(ReplyRun run) => await EvaluateAsync(ReleaseScript, Parameters(run), fallback: 0);

    public async ValueTask<ActiveReply?> FindActiveAsync(string conversationId)
    {
        var result = await EvaluateAsync(SnapshotScript, new
        {
            conversation = keys.Conversation(conversationId),
            replyPrefix = $"{keys.Prefix}:reply:",
        }, fallback: RedisResult.Create(RedisValue.Null));
        if (result.IsNull) return null;
        var fields = (RedisValue[])result!;
        return new ActiveReply { ReplyId = fields[0]!, InReplyTo = fields[1]!, Seq = (int)fields[2], Text = fields[3]! };
    }

    public async ValueTask<bool> RequestStopAsync(string replyId, string userId) => await guard.TryAsync(async db =>
    {
        if (await db.HashGetAsync(keys.Reply(replyId), "userId") != userId) return false;
        await guard.Redis.GetSubscriber().PublishAsync(keys.StopChannel, $"{replyId}|{userId}");
        return true;
    }, false);

    public async ValueTask ConversationDeletedAsync(string conversationId) =>
        await guard.TryAsync(() => guard.Redis.GetSubscriber().PublishAsync(keys.DeletedChannel, conversationId));

    /// <summary>Replies whose node stopped renewing their lease, each handed to exactly one caller, with what was written.</summary>
    public async Task<IReadOnlyList<OrphanReply>> ClaimOrphansAsync()
    {
        var claimed = await EvaluateAsync(ClaimScript, new { active = keys.ActiveReplies }, fallback: RedisResult.Create(Array.Empty<RedisValue>()));
        var orphans = new List<OrphanReply>();
        foreach (var replyId in ((RedisValue[])claimed!).Select(v => (string)v!))
        {
            // The claim is made: an orphan whose details cannot be read now is still ended, with what is known.
            var orphan = await guard.TryAsync(async db =>
            {
                var fields = await db.HashGetAsync(keys.Reply(replyId), ["conversationId", "userId", "inReplyTo"]);
                if (fields.Any(f => f.IsNull)) return null;
                var run = new ReplyRun(fields[0]!, fields[1]!, replyId, fields[2]!);
                return new OrphanReply(run, (string?)await db.StringGetAsync(keys.ReplyText(replyId)) ?? "");
            }, (OrphanReply?)null);
            if (orphan is not null) orphans.Add(orphan);
        }
        return orphans;
    }

    /// <summary>Everything a script may ask of a run; each script reads the members it names and ignores the rest.</summary>
    private object Parameters(ReplyRun run, int limit = 0) => new
    {
        conversation = keys.Conversation(run.ConversationId),
        user = keys.UserReplies(run.UserId),
        reply = keys.Reply(run.ReplyId),
        text = keys.ReplyText(run.ReplyId),
        active = keys.ActiveReplies,
        limit,
        lease = LeaseMs,
        replyId = run.ReplyId,
        conversationId = run.ConversationId,
        userId = run.UserId,
        inReplyTo = run.InReplyTo,
        // A continued reply's text starts with what is stored, so a snapshot on any node shows the whole text.
        prefix = run.Continues?.Text ?? "",
    };

    /// <summary>Runs a script; when Redis fails the node goes on alone, so the caller gets its fallback.</summary>
    private Task<RedisResult> EvaluateAsync(LuaScript script, object parameters, RedisResult fallback) =>
        guard.TryAsync(db => db.ScriptEvaluateAsync(script, parameters), fallback);

    private async Task<RedisResult> EvaluateAsync(LuaScript script, object parameters, int fallback) =>
        await EvaluateAsync(script, parameters, RedisResult.Create(fallback));
}
