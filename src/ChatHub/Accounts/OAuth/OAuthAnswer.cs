namespace ChatHub.Accounts.OAuth;

/// <summary>What a provider round trip tells the page it returns to.</summary>
public sealed record OAuthAnswer(string Name, string Value)
{
    /// <summary>Signed in: trade the code at <c>POST /api/auth/oauth/exchange</c>.</summary>
    public static OAuthAnswer Code(string code) => new("oauth", code);

    public static OAuthAnswer Linked(string provider) => new("oauth-linked", provider);

    /// <summary>One of <see cref="Contracts.OAuthErrors"/>.</summary>
    public static OAuthAnswer Error(string reason) => new("oauth-error", reason);
}
