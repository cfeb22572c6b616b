using System.Net;
using ChatHub.Contracts;
using ChatHub.Observability;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Observability;

/// <summary>
/// GET /metrics over real Kestrel after real chat turns. OpenTelemetry picks meters by name across the
/// process, so series may include other tests' servers: assertions here are lower bounds, and the
/// exact counts per reply are in <see cref="ReplyMetricsTests"/>.
/// </summary>
public sealed class MetricsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AfterATurnTheScrapeShowsMessagesRepliesByOutcomeTimeToFirstTokenAndOpenConnections()
    {
        await using var server = await ChatServer.StartAsync();
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var sent = await device.SendAsync(conversation.Id, "Count me");
        await device.Events.Completed(sent.ReplyId);

        using var anonymous = server.CreateHttpClient();
        var scrape = new PrometheusText(await anonymous.GetStringAsync(ObservabilityExtensions.MetricsPath, Ct).Bounded());

        Assert.True(scrape.Total("characterchat_messages_received_total") >= 1, scrape.Text);
        Assert.True(scrape.Total("characterchat_replies_started_total") >= 1, scrape.Text);
        Assert.True(scrape.Total("characterchat_replies_ended_total", ("outcome", ChatMetrics.Outcomes.Completed)) >= 1, scrape.Text);
        Assert.True(scrape.Total("characterchat_reply_time_to_first_token_milliseconds_count") >= 1, scrape.Text);
        Assert.True(scrape.Total("characterchat_reply_deltas_total") >= device.Events.Deltas(sent.ReplyId).Count, scrape.Text);
        // An up-down counter summed over other servers' meters may even dip below zero (this server's
        // provider misses their earlier connects), so only its presence is checked here; the exact
        // count is ReplyMetricsTests' business.
        Assert.NotEmpty(scrape.Values("characterchat_hub_connections"));
    }

    [Fact]
    public async Task TheScrapeAlsoCarriesAspNetCoreAndRuntimeMetrics()
    {
        await using var server = await ChatServer.StartAsync();
        using var anonymous = server.CreateHttpClient();
        await anonymous.GetStringAsync(Routes.HealthLive, Ct).Bounded();

        var scrape = new PrometheusText(await anonymous.GetStringAsync(ObservabilityExtensions.MetricsPath, Ct).Bounded());

        Assert.NotEmpty(scrape.Values("http_server_request_duration_seconds_count"));
        Assert.Contains("dotnet_gc_", scrape.Text);
    }

    [Fact]
    public async Task WithPrometheusTurnedOffThereIsNoMetricsEndpoint()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Telemetry:Prometheus"] = "false" });
        var user = await server.CreateUserAsync();
        using var http = user.Http();

        var response = await http.GetAsync(ObservabilityExtensions.MetricsPath, Ct).Bounded();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
