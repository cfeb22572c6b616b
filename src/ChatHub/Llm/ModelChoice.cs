using System.Security.Claims;
using ChatHub.Quotas;

namespace ChatHub.Llm;

/// <summary>Which model profile a user's reply uses, and whether their role may use it (<c>Quotas:{Role}:Models</c>).</summary>
public sealed class ModelChoice(ModelProfiles profiles, IQuotaService quotas)
{
    /// <summary>The profile for a conversation (its own pick, else its character's, else the default), or why the user may not use it.</summary>
    public (ModelProfile? Profile, string? Refusal) For(ClaimsPrincipal user, string? conversationChoice, string? characterChoice)
    {
        var profile = profiles.Resolve(conversationChoice, characterChoice);
        return quotas.MayUseModel(user, profile.Name) ? (profile, null) : (null, NotInPlan(profile.Name));
    }

    /// <summary>Why a profile a user names cannot be picked (unknown, or not for their role); null when it can, or none is named.</summary>
    public string? Check(ClaimsPrincipal user, string? name) =>
        string.IsNullOrEmpty(name) ? null
        : profiles.Find(name) is not { } profile ? $"There is no model profile named '{Shorten(name)}'. Known profiles: {string.Join(", ", profiles.All.Select(p => p.Name))}."
        : quotas.MayUseModel(user, profile.Name) ? null
        : NotInPlan(profile.Name);

    /// <summary>The profile's name as configured, for a name <see cref="Check"/> accepted; null for <c>""</c> (no pick).</summary>
    public string? Named(string? name) => profiles.Find(name)?.Name;

    private static string NotInPlan(string name) => $"Your plan does not include the model profile '{name}'.";

    private static string Shorten(string name) => name.Length <= ModelProfiles.MaxNameChars ? name : name[..ModelProfiles.MaxNameChars] + "…";
}
