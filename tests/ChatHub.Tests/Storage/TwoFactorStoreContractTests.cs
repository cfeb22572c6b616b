using ChatHub.Accounts.TwoFactor;
using ChatHub.Infrastructure;

namespace ChatHub.Tests.Storage;

/// <summary>
/// Second factors: an enrolment is off until confirmed with the secret it holds; a time step and a
/// backup code each work once, even for racing callers.
/// </summary>
public abstract class TwoFactorStoreContractTests
{
    protected abstract Task<StoreHost> OpenAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Now => TimeProvider.System.UtcNowMs();

    private static readonly string[] Codes = ["code-hash-1", "code-hash-2", "code-hash-3"];

    [Fact]
    public async Task AnEnrolmentIsOffUntilConfirmedWithItsSecret()
    {
        await using var host = await OpenAsync();
        var store = host.Get<ITwoFactorStore>();
        var (userId, now) = (Ids.New(), Now);

        Assert.True(await store.TryBeginAsync(userId, "secret-1", now, Ct));
        var pending = await store.FindAsync(userId, Ct);
        Assert.False(await store.TryConfirmAsync(userId, "another secret", Codes, 100, now, Ct));
        Assert.True(await store.TryConfirmAsync(userId, "secret-1", Codes, 100, now.AddSeconds(5), Ct));

        Assert.Equivalent(new TwoFactorEnrollment(userId, "secret-1", [], now), pending, strict: true);
        var on = await store.FindAsync(userId, Ct);
        Assert.Equivalent(new TwoFactorEnrollment(userId, "secret-1", Codes, now, now.AddSeconds(5), 100), on, strict: true);
        Assert.True(on!.IsOn);
        Assert.False(await store.TryConfirmAsync(userId, "secret-1", Codes, 101, now, Ct));
    }

    [Fact]
    public async Task StartingOverReplacesAPendingSecretButNeverAConfirmedOne()
    {
        await using var host = await OpenAsync();
        var store = host.Get<ITwoFactorStore>();
        var userId = Ids.New();

        Assert.True(await store.TryBeginAsync(userId, "secret-1", Now, Ct));
        Assert.True(await store.TryBeginAsync(userId, "secret-2", Now, Ct));
        Assert.False(await store.TryConfirmAsync(userId, "secret-1", Codes, 100, Now, Ct));
        Assert.True(await store.TryConfirmAsync(userId, "secret-2", Codes, 100, Now, Ct));

        Assert.False(await store.TryBeginAsync(userId, "secret-3", Now, Ct));
        Assert.Equal("secret-2", (await store.FindAsync(userId, Ct))!.Secret);
    }

    [Fact]
    public async Task ATimeStepIsAcceptedOnceAndNeverOneBeforeIt()
    {
        await using var host = await OpenAsync();
        var store = host.Get<ITwoFactorStore>();
        var userId = await ConfirmedAsync(store, step: 100);

        Assert.False(await store.TryUseStepAsync(userId, 100, Ct));
        Assert.True(await store.TryUseStepAsync(userId, 101, Ct));
        Assert.False(await store.TryUseStepAsync(userId, 101, Ct));
        Assert.False(await store.TryUseStepAsync(userId, 99, Ct));
        Assert.Equal(101, (await store.FindAsync(userId, Ct))!.LastUsedStep);
    }

    [Fact]
    public async Task OfConcurrentUsesOfOneStepOrOneBackupCodeExactlyOneSucceeds()
    {
        await using var host = await OpenAsync();
        var store = host.Get<ITwoFactorStore>();
        var userId = await ConfirmedAsync(store, step: 100);

        var steps = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TryUseStepAsync(userId, 101, Ct), Ct)));
        var codes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.TryUseBackupCodeAsync(userId, Codes[1], Ct), Ct)));

        Assert.Single(steps, used => used);
        Assert.Single(codes, used => used);
    }

    [Fact]
    public async Task ABackupCodeWorksOnceAndLeavesTheOthers()
    {
        await using var host = await OpenAsync();
        var store = host.Get<ITwoFactorStore>();
        var userId = await ConfirmedAsync(store, step: 100);

        Assert.True(await store.TryUseBackupCodeAsync(userId, Codes[1], Ct));
        Assert.False(await store.TryUseBackupCodeAsync(userId, Codes[1], Ct));
        Assert.False(await store.TryUseBackupCodeAsync(userId, "never-issued", Ct));

        Assert.Equal([Codes[0], Codes[2]], (await store.FindAsync(userId, Ct))!.BackupCodeHashes);
    }

    [Fact]
    public async Task NothingIsUsedUpBeforeTheEnrolmentIsConfirmed()
    {
        await using var host = await OpenAsync();
        var store = host.Get<ITwoFactorStore>();
        var userId = Ids.New();
        await store.TryBeginAsync(userId, "secret-1", Now, Ct);

        Assert.False(await store.TryUseStepAsync(userId, 100, Ct));
        Assert.False(await store.TryUseBackupCodeAsync(userId, Codes[0], Ct));
        Assert.False(await store.TryUseStepAsync(Ids.New(), 100, Ct));
    }

    [Fact]
    public async Task DeletingTurnsTheSecondFactorOffForThatUserOnly()
    {
        await using var host = await OpenAsync();
        var store = host.Get<ITwoFactorStore>();
        var userId = await ConfirmedAsync(store, step: 100);
        var otherId = await ConfirmedAsync(store, step: 100);

        Assert.True(await store.DeleteAsync(userId, Ct));

        Assert.Null(await store.FindAsync(userId, Ct));
        Assert.False(await store.DeleteAsync(userId, Ct));
        Assert.True((await store.FindAsync(otherId, Ct))!.IsOn);
        // Off, it can be enrolled again.
        Assert.True(await store.TryBeginAsync(userId, "secret-2", Now, Ct));
    }

    private static async Task<string> ConfirmedAsync(ITwoFactorStore store, long step)
    {
        var userId = Ids.New();
        Assert.True(await store.TryBeginAsync(userId, "secret", Now, Ct));
        Assert.True(await store.TryConfirmAsync(userId, "secret", Codes, step, Now, Ct));
        return userId;
    }
}

public sealed class SqliteTwoFactorStoreContractTests : TwoFactorStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.SqliteAsync();
}

/// <summary>Runs against the MongoDB server that CHATHUB_TEST_MONGODB names; skipped without it.</summary>
public sealed class MongoTwoFactorStoreContractTests : TwoFactorStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.MongoAsync();
}
