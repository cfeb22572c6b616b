using System.ComponentModel.DataAnnotations;
using ChatHub.Accounts;

namespace ChatHub.Quotas;

/// <summary>What one role may do.</summary>
public sealed class RoleQuota
{
    /// <summary>Messages sent on the hub, and (counted apart) conversations created, per minute.</summary>
    [Range(1, 100_000)]
    public int MessagesPerMinute { get; set; }

    /// <summary>Replies being written for the user at once, over all their conversations.</summary>
    [Range(1, 1000)]
    public int ConcurrentReplies { get; set; }

    /// <summary>Cap on a reply's length: it gets the smaller of this and the character's own max_tokens.</summary>
    [Range(1, 1_000_000)]
    public int MaxTokens { get; set; }

    /// <summary>Conversations the user may keep; unset (empty) for no limit.</summary>
    [Range(1, 1_000_000)]
    public int? Conversations { get; set; }

    /// <summary>Characters the user may own (deleted ones do not count); unset (empty) for no limit.</summary>
    [Range(0, 1_000_000)]
    public int? Characters { get; set; }

    /// <summary>Prompt and reply tokens the user may use in a UTC day; unset (empty) for no limit.</summary>
    [Range(1, long.MaxValue)]
    public long? TokensPerDay { get; set; }

    /// <summary>Prompt and reply tokens the user may use in a UTC month; unset (empty) for no limit.</summary>
    [Range(1, long.MaxValue)]
    public long? TokensPerMonth { get; set; }

    /// <summary>The model profiles the user may use (<c>default</c> is the <c>Llm</c> section's own); unset (empty) for all of them.</summary>
    public List<string>? Models { get; set; }

    /// <summary>Whether the role may use the profile of that name.</summary>
    public bool MayUse(string profile) => Models is not { Count: > 0 } allowed || allowed.Contains(profile, StringComparer.OrdinalIgnoreCase);
}

/// <summary>The <c>Quotas</c> configuration section: <c>Quotas:Free</c>, <c>Quotas:Paid</c>, <c>Quotas:Admin</c>.</summary>
public sealed class QuotaOptions : IValidatableObject
{
    public const string Section = "Quotas";

    public RoleQuota Free { get; set; } = new() { MessagesPerMinute = 20, ConcurrentReplies = 1, MaxTokens = 500, Conversations = 20, Characters = 10,
        TokensPerDay = 50_000, TokensPerMonth = 1_000_000 };

    public RoleQuota Paid { get; set; } = new() { MessagesPerMinute = 60, ConcurrentReplies = 3, MaxTokens = 2000, Conversations = 200, Characters = 100,
        TokensPerDay = 500_000, TokensPerMonth = 10_000_000 };

    public RoleQuota Admin { get; set; } = new() { MessagesPerMinute = 600, ConcurrentReplies = 10, MaxTokens = 4096, Conversations = null, Characters = null };

    /// <summary>An unknown role gets the least.</summary>
    public RoleQuota For(string role) => role switch
    {
        Roles.Admin => Admin,
        Roles.Paid => Paid,
        _ => Free,
    };

    /// <summary>Data annotations do not look inside nested objects, so each role is checked here, with its key in the message.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, quota) in new[] { (nameof(Free), Free), (nameof(Paid), Paid), (nameof(Admin), Admin) })
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(quota, new ValidationContext(quota), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"{Section}:{name}: {result.ErrorMessage}", result.MemberNames.Select(m => $"{name}.{m}"));
            }
        }
    }
}
