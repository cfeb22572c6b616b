using ChatHub.Infrastructure;
using ChatHub.Usage;

namespace ChatHub.Tests.Storage;

/// <summary>The <c>usage</c> totals: increments add up per user, day and model, however many writers add at once.</summary>
public abstract class UsageStoreContractTests
{
    protected abstract Task<StoreHost> OpenAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateOnly Day = new(2031, 3, 14);

    [Fact]
    public async Task AmountsForTheSameUserDayAndModelAddUpAndOthersStayApart()
    {
        await using var host = await OpenAsync();
        var usage = host.Get<IUsageStore>();
        var (user, other) = (Ids.New(), Ids.New());

        await usage.AddAsync([new(user, Day, "a", 100, 10, 1), new(user, Day, "b", 5, 5, 1), new(other, Day, "a", 1, 1, 1)], Ct);
        await usage.AddAsync([new(user, Day, "a", 20, 2, 1), new(user, Day.AddDays(1), "a", 7, 3, 1)], Ct);

        Assert.Equal(
            [new UsageAmount(user, Day, "a", 120, 12, 2), new(user, Day, "b", 5, 5, 1), new(user, Day.AddDays(1), "a", 7, 3, 1)],
            await usage.ReadAsync(user, Day, Day.AddDays(1), Ct));
        Assert.Equal([new UsageAmount(user, Day.AddDays(1), "a", 7, 3, 1)], await usage.ReadAsync(user, Day.AddDays(1), Day.AddDays(30), Ct));
        Assert.Empty(await usage.ReadAsync(user, Day.AddDays(-30), Day.AddDays(-1), Ct));
    }

    [Fact]
    public async Task WritersAddingAtOnceLoseNothing()
    {
        await using var host = await OpenAsync();
        var usage = host.Get<IUsageStore>();
        var user = Ids.New();

        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => usage.AddAsync([new(user, Day, "m", 3, 2, 1)], Ct)));

        Assert.Equal([new UsageAmount(user, Day, "m", 60, 40, 20)], await usage.ReadAsync(user, Day, Day, Ct));
    }

    [Fact]
    public async Task TopUsersAreTheMostTokensInTheRangeMostFirst()
    {
        await using var host = await OpenAsync();
        var usage = host.Get<IUsageStore>();
        var (small, big, middle, outside) = (Ids.New(), Ids.New(), Ids.New(), Ids.New());
        await usage.AddAsync(
        [
            new(small, Day, "a", 1, 1, 1),
            new(big, Day, "a", 500, 100, 3), new(big, Day.AddDays(1), "b", 50, 50, 1),
            new(middle, Day, "a", 100, 100, 2),
            new(outside, Day.AddDays(5), "a", 99_999, 1, 1),
        ], Ct);

        var top = await usage.TopUsersAsync(Day, Day.AddDays(1), 2, Ct);

        Assert.Equal([new UserUsageTotal(big, 550, 150, 4), new UserUsageTotal(middle, 100, 100, 2)], top);
    }

    [Fact]
    public async Task ADeletedUsersUsageIsGone()
    {
        await using var host = await OpenAsync();
        var usage = host.Get<IUsageStore>();
        var (user, other) = (Ids.New(), Ids.New());
        await usage.AddAsync([new(user, Day, "a", 1, 1, 1), new(other, Day, "a", 2, 2, 1)], Ct);

        await usage.DeleteUserAsync(user, Ct);

        Assert.Empty(await usage.ReadAsync(user, Day, Day, Ct));
        Assert.Single(await usage.ReadAsync(other, Day, Day, Ct));
    }
}

public sealed class SqliteUsageStoreContractTests : UsageStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.SqliteAsync();
}

/// <summary>Runs against the MongoDB server that CHATHUB_TEST_MONGODB names; skipped without it.</summary>
public sealed class MongoUsageStoreContractTests : UsageStoreContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.MongoAsync();
}
