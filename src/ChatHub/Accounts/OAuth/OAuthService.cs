using ChatHub.Contracts;
using ChatHub.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts.OAuth;

public enum UnlinkResult
{
    Unlinked,
    NotLinked,
    /// <summary>The account has no password and no other link: unlinking would lock its owner out.</summary>
    LastSignInMethod,
    NoAccount,
}

/// <summary>What a provider sign-in does to accounts: find or make the user, link, unlink.</summary>
public sealed partial class OAuthService(
    IUserStore users,
    IOAuthAccountStore accounts,
    OAuthProviders providers,
    ProviderTokenProtector protector,
    SignInCodes codes,
    IOptions<AuthOptions> options,
    TimeProvider clock,
    ILogger<OAuthService> logger)
{
    /// <summary>
    /// The user linked to the provider account; else a new account, when the provider vouches for an email
    /// no account has. Never an existing account found by email: whoever holds the provider account (or a
    /// provider that checks emails loosely) would take over that account. Its owner links from settings.
    /// </summary>
    public async Task<OAuthAnswer> SignInAsync(ExternalIdentity identity, CancellationToken cancellationToken)
    {
        var now = clock.UtcNowMs();
        var tokens = protector.Protect(identity.Tokens);
        if (await SignInLinkedAsync(identity, tokens, now, cancellationToken) is { } linked) return linked;

        var trustEmail = providers.Find(identity.Provider)?.TrustEmail ?? false;
        if (identity.VerifiedEmail(trustEmail) is not { } email) return OAuthAnswer.Error(OAuthErrors.EmailUnverified);
        if (await users.FindByEmailAsync(email, cancellationToken) is not null)
        {
            LogEmailInUse(logger, identity.Provider);
            return OAuthAnswer.Error(OAuthErrors.EmailInUse);
        }

        var name = AccountRules.NameOrEmailName(identity.Name, email);
        var user = new User(Ids.New(), name[..Math.Min(name.Length, AccountRules.MaxNameChars)], email, User.NoPassword,
            options.Value.RoleFor(email), now, now);
        // The link first: of two first sign-ins racing with one provider account, one link wins and the other signs in through it.
        if (!await accounts.TryCreateAsync(NewLink(user.Id, identity, tokens, now), cancellationToken))
        {
            return await SignInLinkedAsync(identity, tokens, now, cancellationToken) ?? OAuthAnswer.Error(OAuthErrors.ProviderFailed);
        }
        if (!await users.TryCreateAsync(user, cancellationToken))
        {
            // The email was taken in the meantime: take back the link, which points at no one.
            await accounts.DeleteAsync(user.Id, identity.Provider, cancellationToken);
            return OAuthAnswer.Error(OAuthErrors.EmailInUse);
        }
        LogAccountCreated(logger, user.Id, identity.Provider);
        return OAuthAnswer.Code(await codes.IssueAsync(user.Id, cancellationToken));
    }

    /// <summary>Links the provider account to the user who started the link (<see cref="LinkStates"/>).</summary>
    public async Task<OAuthAnswer> LinkAsync(string userId, ExternalIdentity identity, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId, cancellationToken) is null) return OAuthAnswer.Error(OAuthErrors.LinkExpired);
        var now = clock.UtcNowMs();
        var tokens = protector.Protect(identity.Tokens);
        if (await accounts.FindAsync(identity.Provider, identity.Subject, cancellationToken) is { } existing)
        {
            if (existing.UserId != userId) return OAuthAnswer.Error(OAuthErrors.AlreadyLinked);
            await accounts.UpdateTokensAsync(existing.Id, tokens, now, cancellationToken);
            return OAuthAnswer.Linked(identity.Provider);
        }
        if (!await accounts.TryCreateAsync(NewLink(userId, identity, tokens, now), cancellationToken))
        {
            return OAuthAnswer.Error(OAuthErrors.ProviderLinked);
        }
        LogLinked(logger, userId, identity.Provider);
        return OAuthAnswer.Linked(identity.Provider);
    }

    public async Task<UnlinkResult> UnlinkAsync(string userId, string provider, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId, cancellationToken) is not { } user) return UnlinkResult.NoAccount;
        var links = await accounts.ListAsync(userId, cancellationToken);
        if (links.All(link => link.Provider != provider)) return UnlinkResult.NotLinked;
        // Two unlinks at once could each see the other's link and leave none; a password reset by email
        // still lets that user back in, so this check is not worth a transaction across documents.
        if (!user.HasPassword && links.Count == 1) return UnlinkResult.LastSignInMethod;
        if (!await accounts.DeleteAsync(userId, provider, cancellationToken)) return UnlinkResult.NotLinked;
        LogUnlinked(logger, userId, provider);
        return UnlinkResult.Unlinked;
    }

    private async Task<OAuthAnswer?> SignInLinkedAsync(ExternalIdentity identity, ProviderTokens tokens, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await accounts.FindAsync(identity.Provider, identity.Subject, cancellationToken) is not { } link) return null;
        await accounts.UpdateTokensAsync(link.Id, tokens, now, cancellationToken);
        return OAuthAnswer.Code(await codes.IssueAsync(link.UserId, cancellationToken));
    }

    private static OAuthAccount NewLink(string userId, ExternalIdentity identity, ProviderTokens tokens, DateTimeOffset now) =>
        new(Ids.New(), userId, identity.Provider, identity.Subject, identity.Email, tokens, now, now);

    [LoggerMessage(EventId = 4601, Level = LogLevel.Information, Message = "User {UserId} signed up with {Provider}")]
    private static partial void LogAccountCreated(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Information, Message = "User {UserId} linked a {Provider} account")]
    private static partial void LogLinked(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Information, Message = "User {UserId} unlinked their {Provider} account")]
    private static partial void LogUnlinked(ILogger logger, string userId, string provider);

    [LoggerMessage(EventId = 4604, Level = LogLevel.Information,
        Message = "A {Provider} sign-in was refused: its email belongs to an account it is not linked to")]
    private static partial void LogEmailInUse(ILogger logger, string provider);
}
