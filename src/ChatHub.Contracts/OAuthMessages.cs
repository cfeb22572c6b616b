namespace ChatHub.Contracts;

/// <summary>A provider this service signs in with: <c>google</c>, or an OpenID Connect provider named in its configuration.</summary>
public sealed record OAuthProviderDto
{
    /// <summary>The name in the OAuth routes (<c>/api/auth/oauth/{name}/start</c>).</summary>
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
}

/// <summary>Body of <c>POST /api/auth/oauth/exchange</c>: the code from <c>#oauth=</c>, single use, for 60 seconds.</summary>
public sealed record OAuthExchangeRequest
{
    public required string Code { get; init; }
}

/// <summary>Answer of <c>POST /api/me/oauth/{provider}/link-start</c>.</summary>
public sealed record OAuthLinkStartResponse
{
    /// <summary>Navigate the browser here (within 5 minutes); it comes back to the return URL with <c>#oauth-linked=&lt;provider&gt;</c> or <c>#oauth-error=&lt;reason&gt;</c>.</summary>
    public required string Url { get; init; }
}

/// <summary>One of the signed-in user's provider accounts.</summary>
public sealed record OAuthLinkDto
{
    public required string Provider { get; init; }
    /// <summary>The email the provider gave for the account, when it gave one.</summary>
    public string? Email { get; init; }
    public required DateTimeOffset LinkedAt { get; init; }
}

/// <summary>The reasons in <c>#oauth-error=</c>.</summary>
public static class OAuthErrors
{
    /// <summary>An account with the provider's email exists: sign in to it (password) and link the provider from its settings.</summary>
    public const string EmailInUse = "email-in-use";
    /// <summary>The provider gave no email, or did not say it verified it: no account is made from it.</summary>
    public const string EmailUnverified = "email-unverified";
    /// <summary>The provider account is already linked to another account.</summary>
    public const string AlreadyLinked = "already-linked";
    /// <summary>The account already has a link to this provider: unlink it first.</summary>
    public const string ProviderLinked = "provider-linked";
    /// <summary>The account to link to no longer exists, or signed out everywhere since the link started.</summary>
    public const string LinkExpired = "link-expired";
    /// <summary>The provider refused or failed (the user said no, or the sign-in took too long).</summary>
    public const string ProviderFailed = "provider-failed";
}
