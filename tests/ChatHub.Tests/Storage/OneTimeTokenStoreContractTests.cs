using System.Security.Cryptography;
using ChatHub.Accounts;
using ChatHub.Infrastructure;

namespace ChatHub.Tests.Storage;

/// <summary>
/// Password resets, account deletion requests and sign-in challenges: found by hash only while unexpired,
/// used at most once even by racing callers, counted and erased per user. Each kind has its own collection.
/// </summary>
public abstract class OneTimeTokenStoreContractTests
{
    protected abstract Task<StoreHost> OpenAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Now => TimeProvider.System.UtcNowMs();

    public static TheoryData<OneTimeTokenKind> Kinds => new(Enum.GetValues<OneTimeTokenKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ATokenIsFoundByItsHashAndUsedExactlyOnce(OneTimeTokenKind kind)
    {
        await using var host = await OpenAsync();
        var tokens = host.GetKeyed<IOneTimeTokenStore>(kind);
        var token = NewToken();
        await tokens.CreateAsync(token, Ct);

        Assert.Equal(token, await tokens.FindAsync(token.TokenHash, Now, Ct));
        Assert.Null(await tokens.FindAsync(NewHash(), Now, Ct));
        Assert.Equal(token, await tokens.TryUseAsync(token.TokenHash, Now, Ct));
        Assert.Null(await tokens.TryUseAsync(token.TokenHash, Now, Ct));
        Assert.Null(await tokens.FindAsync(token.TokenHash, Now, Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task OfConcurrentUsesOfOneTokenExactlyOneGetsIt(OneTimeTokenKind kind)
    {
        await using var host = await OpenAsync();
        var tokens = host.GetKeyed<IOneTimeTokenStore>(kind);
        var token = NewToken();
        await tokens.CreateAsync(token, Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => tokens.TryUseAsync(token.TokenHash, Now, Ct), Ct)));

        Assert.Single(results, used => used is not null);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task AnExpiredTokenIsNeitherFoundNorUsedNorCounted(OneTimeTokenKind kind)
    {
        await using var host = await OpenAsync();
        var tokens = host.GetKeyed<IOneTimeTokenStore>(kind);
        var token = NewToken();
        await tokens.CreateAsync(token, Ct);
        var afterExpiry = token.ExpiresAt.AddMilliseconds(1);

        Assert.Null(await tokens.FindAsync(token.TokenHash, afterExpiry, Ct));
        Assert.Null(await tokens.TryUseAsync(token.TokenHash, afterExpiry, Ct));
        Assert.Equal(0, await tokens.CountLiveAsync(token.UserId, afterExpiry, Ct));
        Assert.Equal(token, await tokens.FindAsync(token.TokenHash, Now, Ct));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TokensAreCountedAndDeletedPerUser(OneTimeTokenKind kind)
    {
        await using var host = await OpenAsync();
        var tokens = host.GetKeyed<IOneTimeTokenStore>(kind);
        var userId = Ids.New();
        var mine = new[] { NewToken(userId), NewToken(userId) };
        var theirs = NewToken();
        foreach (var token in mine.Append(theirs)) await tokens.CreateAsync(token, Ct);

        Assert.Equal(2, await tokens.CountLiveAsync(userId, Now, Ct));
        await tokens.DeleteAllAsync(userId, Ct);

        Assert.Equal(0, await tokens.CountLiveAsync(userId, Now, Ct));
        foreach (var token in mine) Assert.Null(await tokens.FindAsync(token.TokenHash, Now, Ct));
        Assert.Equal(theirs, await tokens.FindAsync(theirs.TokenHash, Now, Ct));
    }

    [Fact]
    public async Task EachKindKeepsItsTokensApart()
    {
        await using var host = await OpenAsync();
        var reset = NewToken();
        await host.GetKeyed<IOneTimeTokenStore>(OneTimeTokenKind.PasswordReset).CreateAsync(reset, Ct);

        Assert.Null(await host.GetKeyed<IOneTimeTokenStore>(OneTimeTokenKind.AccountDeletion).TryUseAsync(reset.TokenHash, Now, Ct));
        Assert.Null(await host.GetKeyed<IOneTimeTokenStore>(OneTimeTokenKind.LoginChallenge).TryUseAsync(reset.TokenHash, Now, Ct));
        Assert.Equal(reset, await host.GetKeyed<IOneTimeTokenStore>(OneTimeTokenKind.PasswordReset).TryUseAsync(reset.TokenHash, Now, Ct));
    }

    private static OneTimeToken NewToken(string? userId = null) =>
        new(Ids.New(), NewHash(), userId ?? Ids.New(), $"john.{Guid.NewGuid():N}@example.com", Now, Now.AddMinutes(30));

    private static string NewHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

public sealed class SqliteOneTimeTokenStoreContractTests : OneTimeTokenStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.SqliteAsync();
}

/// <summary>Runs against the MongoDB server that CHATHUB_TEST_MONGODB names; skipped without it.</summary>
public sealed class MongoOneTimeTokenStoreContractTests : OneTimeTokenStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.MongoAsync();
}
