using ChatHub.Contracts;
using ChatHub.Observability;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Observability;

public sealed class TracingTests
{
    [Fact]
    public async Task ReplySpansReachTheConfiguredCollectorWithIdsAndOutcomeButNotTheUsersWordsOrToken()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Telemetry:OtlpEndpoint"] = collector.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        const string secret = "my-very-private-words";
        TestUser user;
        SendMessageResult sent;
        ConversationDto conversation;
        await using (server)
        {
            user = await server.CreateUserAsync();
            conversation = await user.CreateConversationAsync();
            await using var device = await user.ConnectAsync();
            sent = await device.SendAsync(conversation.Id, $"Keep this between us: {secret}");
            await device.Events.Completed(sent.ReplyId);
        }
        // Stopping the server flushed its exporters.

        var traces = collector.Received("traces");
        Assert.Contains("chat.reply", traces);
        Assert.Contains(sent.ReplyId, traces);
        Assert.Contains(conversation.Id, traces);
        Assert.Contains(ChatMetrics.Outcomes.Completed, traces);
        Assert.Contains("characterchat.replies.ended", collector.Received("metrics"));
        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            Assert.DoesNotContain(secret, collector.Received(signal));
            Assert.DoesNotContain(user.AccessToken, collector.Received(signal));
        }
    }

    [Fact]
    public async Task AnOtlpEndpointThatIsNotAnHttpUrlStopsStartUpNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ChatServer.StartAsync(
            new Dictionary<string, string> { ["Telemetry:OtlpEndpoint"] = "collector:4317" }).Bounded());

        Assert.Contains("Telemetry:OtlpEndpoint", error.Message);
    }
}
