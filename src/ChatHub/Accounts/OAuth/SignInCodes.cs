using ChatHub.Infrastructure;

namespace ChatHub.Accounts.OAuth;

/// <summary>
/// The one-time code a provider sign-in hands the page (in the URL fragment) instead of tokens: random,
/// stored hashed, traded once for a session within <see cref="Lifetime"/>. Tokens in a URL would end up in
/// browser history; a code that is spent within a minute is worth nothing there.
/// </summary>
public sealed class SignInCodes(IOAuthLoginCodeStore codes, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    public async Task<string> IssueAsync(string userId, CancellationToken cancellationToken)
    {
        var (value, hash) = OpaqueTokens.New();
        var now = clock.UtcNowMs();
        await codes.CreateAsync(new OAuthLoginCode(Ids.New(), hash, userId, now, now + Lifetime), cancellationToken);
        return value;
    }

    /// <summary>The user the code signs in; null for an unknown, used or expired code.</summary>
    public async Task<string?> TakeAsync(string? code, CancellationToken cancellationToken) =>
        OpaqueTokens.HashOf(code) is { } hash ? await codes.TryTakeAsync(hash, clock.UtcNowMs(), cancellationToken) : null;
}
