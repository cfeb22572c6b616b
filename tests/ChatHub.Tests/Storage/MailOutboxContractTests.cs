using ChatHub.Email;
using ChatHub.Infrastructure;

namespace ChatHub.Tests.Storage;

/// <summary>The mail outbox: a mail is claimed by one caller at a time, comes back when a retry is due, and leaves once deleted.</summary>
public abstract class MailOutboxContractTests
{
    protected abstract Task<StoreHost> OpenAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset Now => TimeProvider.System.UtcNowMs();

    [Fact]
    public async Task AMailIsClaimedOnceUntilItsClaimRunsOut()
    {
        await using var host = await OpenAsync();
        var outbox = host.Get<IMailOutbox>();
        var (id, now) = (Ids.New(), Now);
        await outbox.AddAsync(id, "sealed", now, Ct);

        var first = await outbox.ClaimDueAsync(now, now.AddMinutes(5), 10, Ct);
        var meanwhile = await outbox.ClaimDueAsync(now.AddMinutes(1), now.AddMinutes(6), 10, Ct);
        var afterTheClaim = await outbox.ClaimDueAsync(now.AddMinutes(5), now.AddMinutes(10), 10, Ct);

        Assert.Equal([new OutboxMail(id, "sealed", 0)], first);
        Assert.Empty(meanwhile);
        Assert.Equal([id], afterTheClaim.Select(m => m.Id));
    }

    [Fact]
    public async Task ARetryComesBackWhenDueWithItsAttemptsAndADeletedMailNever()
    {
        await using var host = await OpenAsync();
        var outbox = host.Get<IMailOutbox>();
        var (retried, sent, now) = (Ids.New(), Ids.New(), Now);
        await outbox.AddAsync(retried, "one", now, Ct);
        await outbox.AddAsync(sent, "two", now.AddMilliseconds(1), Ct);
        var claimed = await outbox.ClaimDueAsync(now.AddMilliseconds(1), now.AddMinutes(5), 10, Ct);

        await outbox.RetryAtAsync(retried, 1, now.AddSeconds(10), Ct);
        await outbox.DeleteAsync(sent, Ct);

        Assert.Equal([retried, sent], claimed.Select(m => m.Id));
        Assert.Empty(await outbox.ClaimDueAsync(now.AddSeconds(9), now.AddMinutes(5), 10, Ct));
        Assert.Equal([new OutboxMail(retried, "one", 1)], await outbox.ClaimDueAsync(now.AddSeconds(10), now.AddMinutes(5), 10, Ct));
    }

    [Fact]
    public async Task TwoClaimsAtOnceShareNoMail()
    {
        await using var host = await OpenAsync();
        var outbox = host.Get<IMailOutbox>();
        var now = Now;
        var ids = Enumerable.Range(0, 20).Select(_ => Ids.New()).ToList();
        foreach (var id in ids) await outbox.AddAsync(id, "mail", now, Ct);

        var claims = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => outbox.ClaimDueAsync(now, now.AddMinutes(5), 15, Ct)));

        var all = claims.SelectMany(c => c).Select(m => m.Id).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(ids.Order(), all.Order());
    }
}

public sealed class SqliteMailOutboxContractTests : MailOutboxContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.SqliteAsync();
}

/// <summary>Runs against the MongoDB server that CHATHUB_TEST_MONGODB names; skipped without it.</summary>
public sealed class MongoMailOutboxContractTests : MailOutboxContractTests
{
    protected override Task<StoreHost> OpenAsync() => StoreHost.MongoAsync();
}
