using System.Security.Claims;
using System.Threading.RateLimiting;
using ChatHub.Accounts;
using ChatHub.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatHub.Quotas;

/// <summary>Names of the things rate limits count, each in its own bucket.</summary>
public static class QuotaActions
{
    public const string Messages = "messages";
    public const string Conversations = "conversations";
}

/// <summary>What a signed-in user's role allows. The role comes from the access token, which is refused once the role changes.</summary>
public interface IQuotaService
{
    /// <summary>The most tokens a reply may have: a reply's max_tokens is the smaller of the character's and this.</summary>
    int MaxTokensFor(ClaimsPrincipal user);

    int ConcurrentRepliesFor(ClaimsPrincipal user);

    /// <summary>How many conversations the user may keep; null for no limit.</summary>
    int? ConversationsFor(ClaimsPrincipal user);

    /// <summary>How many characters the user may own; null for no limit.</summary>
    int? CharactersFor(ClaimsPrincipal user);

    /// <summary>Whether the user's role may use the model profile of that name (<c>Quotas:{Role}:Models</c>).</summary>
    bool MayUseModel(ClaimsPrincipal user, string profile);

    /// <summary>Takes one of the user's messages for this minute: null when granted, else a refusal to show the user.</summary>
    ValueTask<string?> TryTakeMessageAsync(ClaimsPrincipal user);

    /// <summary>The user's bucket for <paramref name="action"/> (one of <see cref="QuotaActions"/>), for ASP.NET Core's rate limiter.</summary>
    RateLimitPartition<string> RateLimitFor(string action, ClaimsPrincipal user);
}

public sealed class QuotaService : IQuotaService, IDisposable
{
    private readonly IOptions<QuotaOptions> _options;
    private readonly IRateLimitPartitions _partitions;
    private readonly PartitionedRateLimiter<ClaimsPrincipal> _messages;

    public QuotaService(IOptions<QuotaOptions> options, IRateLimitPartitions partitions)
    {
        _options = options;
        _partitions = partitions;
        _messages = PartitionedRateLimiter.Create<ClaimsPrincipal, string>(user => RateLimitFor(QuotaActions.Messages, user));
    }

    public int MaxTokensFor(ClaimsPrincipal user) => For(user).MaxTokens;

    public int ConcurrentRepliesFor(ClaimsPrincipal user) => For(user).ConcurrentReplies;

    public int? ConversationsFor(ClaimsPrincipal user) => For(user).Conversations;

    public int? CharactersFor(ClaimsPrincipal user) => For(user).Characters;

    public bool MayUseModel(ClaimsPrincipal user, string profile) => For(user).MayUse(profile);

    public async ValueTask<string?> TryTakeMessageAsync(ClaimsPrincipal user)
    {
        using var lease = await _messages.AcquireAsync(user);
        if (lease.IsAcquired) return null;
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        return $"You are sending messages too fast. Try again in {Problems.Seconds(wait)} seconds.";
    }

    /// <summary>Keyed by role as well as user: after a role change the user counts in a bucket of the new role's size.</summary>
    public RateLimitPartition<string> RateLimitFor(string action, ClaimsPrincipal user) =>
        _partitions.PerMinute($"{action}:{user.UserId()}:{user.Role()}", For(user).MessagesPerMinute);

    public void Dispose() => _messages.Dispose();

    private RoleQuota For(ClaimsPrincipal user) => _options.Value.For(user.Role());
}
