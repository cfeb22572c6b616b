using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Tests.Support;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatHub.Tests.Observability;

public sealed class HealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The checks behind /health/ready: those tagged "ready", as its predicate selects them.</summary>
    private static async Task<IReadOnlyList<string>> ReadinessChecksAsync(ChatServer server)
    {
        var report = await server.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"), Ct).Bounded();
        return [.. report.Entries.Keys.Order()];
    }

    [Fact]
    public async Task ReadinessChecksTheStore()
    {
        await using var server = await ChatServer.StartAsync();
        using var anonymous = server.CreateHttpClient();

        Assert.Equal(["store"], await ReadinessChecksAsync(server));
        Assert.Equal("Healthy", await anonymous.GetStringAsync(Routes.HealthReady, Ct).Bounded());
    }

    [Fact]
    public async Task WithRedisConfiguredReadinessChecksRedisToo()
    {
        await using var redis = await RedisProcess.StartAsync();
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Redis"] = redis.ConnectionString,
            ["Redis:ChannelPrefix"] = $"test-{Guid.NewGuid():N}",
        });
        using var anonymous = server.CreateHttpClient();

        Assert.Equal(["redis", "store"], await ReadinessChecksAsync(server));
        Assert.Equal("Healthy", await anonymous.GetStringAsync(Routes.HealthReady, Ct).Bounded());
    }

    [Fact]
    public async Task TheContainerHealthProbeSucceedsAgainstALiveNodeAndFailsWithoutOne()
    {
        await using var server = await ChatServer.StartAsync();
        var live = new Uri(server.BaseUri, Routes.HealthLive).ToString();
        var nobody = $"http://127.0.0.1:{RedisProcess.FreePort()}{Routes.HealthLive}";

        Assert.Equal(0, await HealthProbe.RunAsync([HealthProbe.Flag, live]).Bounded());
        Assert.Equal(1, await HealthProbe.RunAsync([HealthProbe.Flag, nobody]).Bounded());
    }
}
