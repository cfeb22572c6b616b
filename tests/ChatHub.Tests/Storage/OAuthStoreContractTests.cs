using System.Security.Cryptography;
using ChatHub.Accounts.OAuth;
using ChatHub.Infrastructure;

namespace ChatHub.Tests.Storage;

/// <summary>
/// What every adapter's OAuth stores must do: links unique per provider account and per provider per
/// user, token updates, deletion; sign-in codes taken once. Each test opens a store of its own.
/// </summary>
public abstract class OAuthStoreContractTests
{
    protected abstract Task<StoreHost> OpenAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Both stores keep milliseconds; a time cut to them reads back equal.
    private static DateTimeOffset Now => TimeProvider.System.UtcNowMs();

    // Links

    [Fact]
    public async Task ALinkIsFoundByItsProviderAccountAndListedWithItsUser()
    {
        await using var host = await OpenAsync();
        var accounts = host.Get<IOAuthAccountStore>();
        var userId = Ids.New();
        var google = NewLink(userId, "google");
        var corp = NewLink(userId, "corp") with { Email = null, Tokens = new ProviderTokens(null, null, null) };
        var someoneElses = NewLink(Ids.New(), "google");
        foreach (var link in new[] { google, corp, someoneElses }) Assert.True(await accounts.TryCreateAsync(link, Ct));

        Assert.Equal(google, await accounts.FindAsync("google", google.ProviderUserId, Ct));
        Assert.Null(await accounts.FindAsync("corp", google.ProviderUserId, Ct));
        Assert.Equal([corp, google], await accounts.ListAsync(userId, Ct));
        Assert.Empty(await accounts.ListAsync(Ids.New(), Ct));
        Assert.Empty(await accounts.ListAsync("not-an-id", Ct));
    }

    [Fact]
    public async Task AProviderAccountLinksToOneUserOnly()
    {
        await using var host = await OpenAsync();
        var accounts = host.Get<IOAuthAccountStore>();
        var first = NewLink(Ids.New(), "google");

        Assert.True(await accounts.TryCreateAsync(first, Ct));
        Assert.False(await accounts.TryCreateAsync(NewLink(Ids.New(), "google") with { ProviderUserId = first.ProviderUserId }, Ct));

        Assert.Equal(first, await accounts.FindAsync("google", first.ProviderUserId, Ct));
    }

    [Fact]
    public async Task AUserLinksOneAccountPerProvider()
    {
        await using var host = await OpenAsync();
        var accounts = host.Get<IOAuthAccountStore>();
        var userId = Ids.New();
        var first = NewLink(userId, "google");

        Assert.True(await accounts.TryCreateAsync(first, Ct));
        Assert.False(await accounts.TryCreateAsync(NewLink(userId, "google"), Ct));

        Assert.Equal([first], await accounts.ListAsync(userId, Ct));
    }

    [Fact]
    public async Task OfConcurrentLinksOfOneProviderAccountExactlyOneIsMade()
    {
        await using var host = await OpenAsync();
        var accounts = host.Get<IOAuthAccountStore>();
        var subject = $"sub-{Guid.NewGuid():N}";

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => accounts.TryCreateAsync(NewLink(Ids.New(), "google") with { ProviderUserId = subject }, Ct), Ct)));

        Assert.Single(results, made => made);
    }

    [Fact]
    public async Task NewTokensReplaceTheOldOnesAndAMissingRefreshTokenKeepsTheStoredOne()
    {
        await using var host = await OpenAsync();
        var accounts = host.Get<IOAuthAccountStore>();
        var link = NewLink(Ids.New(), "google");
        var bystander = NewLink(Ids.New(), "google");
        await accounts.TryCreateAsync(link, Ct);
        await accounts.TryCreateAsync(bystander, Ct);
        var later = Now.AddMinutes(5);

        await accounts.UpdateTokensAsync(link.Id, new ProviderTokens("access-2", null, later.AddHours(1)), later, Ct);
        var afterFirst = await accounts.FindAsync("google", link.ProviderUserId, Ct);
        await accounts.UpdateTokensAsync(link.Id, new ProviderTokens(null, "refresh-3", null), later, Ct);
        var afterSecond = await accounts.FindAsync("google", link.ProviderUserId, Ct);

        Assert.Equal(link with { Tokens = new ProviderTokens("access-2", link.Tokens.RefreshToken, later.AddHours(1)), UpdatedAt = later }, afterFirst);
        Assert.Equal(link with { Tokens = new ProviderTokens(null, "refresh-3", null), UpdatedAt = later }, afterSecond);
        Assert.Equal(bystander, await accounts.FindAsync("google", bystander.ProviderUserId, Ct));
    }

    [Fact]
    public async Task DeletingALinkDeletesThatOneOnly()
    {
        await using var host = await OpenAsync();
        var accounts = host.Get<IOAuthAccountStore>();
        var userId = Ids.New();
        var (google, corp, othersGoogle) = (NewLink(userId, "google"), NewLink(userId, "corp"), NewLink(Ids.New(), "google"));
        foreach (var link in new[] { google, corp, othersGoogle }) await accounts.TryCreateAsync(link, Ct);

        Assert.True(await accounts.DeleteAsync(userId, "google", Ct));
        Assert.False(await accounts.DeleteAsync(userId, "google", Ct));
        Assert.False(await accounts.DeleteAsync("not-an-id", "google", Ct));

        Assert.Equal([corp], await accounts.ListAsync(userId, Ct));
        Assert.Equal(othersGoogle, await accounts.FindAsync("google", othersGoogle.ProviderUserId, Ct));
    }

    [Fact]
    public async Task DeletingAUsersLinksLeavesOtherUsersAlone()
    {
        await using var host = await OpenAsync();
        var accounts = host.Get<IOAuthAccountStore>();
        var userId = Ids.New();
        var theirs = NewLink(Ids.New(), "google");
        foreach (var link in new[] { NewLink(userId, "google"), NewLink(userId, "corp"), theirs }) await accounts.TryCreateAsync(link, Ct);

        await accounts.DeleteForUserAsync(userId, Ct);

        Assert.Empty(await accounts.ListAsync(userId, Ct));
        Assert.Equal([theirs], await accounts.ListAsync(theirs.UserId, Ct));
    }

    // Sign-in codes

    [Fact]
    public async Task ACodeIsTakenOnceForItsUser()
    {
        await using var host = await OpenAsync();
        var codes = host.Get<IOAuthLoginCodeStore>();
        var code = NewCode();
        await codes.CreateAsync(code, Ct);

        Assert.Null(await codes.TryTakeAsync(NewHash(), Now, Ct));
        Assert.Equal(code.UserId, await codes.TryTakeAsync(code.CodeHash, Now, Ct));
        Assert.Null(await codes.TryTakeAsync(code.CodeHash, Now, Ct));
    }

    [Fact]
    public async Task AnExpiredCodeIsNotTaken()
    {
        await using var host = await OpenAsync();
        var codes = host.Get<IOAuthLoginCodeStore>();
        var code = NewCode();
        await codes.CreateAsync(code, Ct);

        Assert.Null(await codes.TryTakeAsync(code.CodeHash, code.ExpiresAt, Ct));
    }

    [Fact]
    public async Task OfConcurrentTakesOfOneCodeExactlyOneGetsTheUser()
    {
        await using var host = await OpenAsync();
        var codes = host.Get<IOAuthLoginCodeStore>();
        var code = NewCode();
        await codes.CreateAsync(code, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => codes.TryTakeAsync(code.CodeHash, Now, Ct), Ct)));

        Assert.Equal(code.UserId, Assert.Single(results, userId => userId is not null));
    }

    private static OAuthAccount NewLink(string userId, string provider)
    {
        var now = Now;
        return new OAuthAccount(Ids.New(), userId, provider, $"sub-{Guid.NewGuid():N}", $"{Guid.NewGuid():N}@provider.test",
            new ProviderTokens("encrypted-access", "encrypted-refresh", now.AddHours(1)), now, now);
    }

    private static OAuthLoginCode NewCode() => new(Ids.New(), NewHash(), Ids.New(), Now, Now.AddSeconds(60));

    private static string NewHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

public sealed class SqliteOAuthStoreContractTests : OAuthStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.SqliteAsync();
}

/// <summary>Runs against the MongoDB server that CHATHUB_TEST_MONGODB names; skipped without it.</summary>
public sealed class MongoOAuthStoreContractTests : OAuthStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.MongoAsync();
}
