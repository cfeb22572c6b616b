using System.Net;
using System.Net.WebSockets;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Observability;

/// <summary>A browser's hub connection carries its access token in the URL; no log line or exported span may.</summary>
public sealed class SecretRedactionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATokenInTheQueryReachesNeitherTheLogAtAnyLevelNorTheExportedTelemetryYetStillSignsIn()
    {
        await using var collector = await FakeOtlpCollector.StartAsync();
        var logs = new CapturedLogs();
        var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Telemetry:OtlpEndpoint"] = collector.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }, configure: builder => builder.Logging.AddProvider(logs));
        TestUser user;
        await using (server)
        {
            user = await server.CreateUserAsync();
            // As a browser connects: a WebSocket with the token in the query string.
            using var socket = new ClientWebSocket();
            var hub = new UriBuilder(server.BaseUri) { Scheme = "ws", Path = Routes.ChatHub, Query = $"access_token={user.AccessToken}" }.Uri;
            await socket.ConnectAsync(hub, Ct).Bounded();
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, Ct).Bounded();
            // A token where none is expected, and a provider's one-time code, are kept out as well.
            using var http = server.CreateHttpClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"{Routes.Me}?access_token={user.AccessToken}&code=one-time-code-123", Ct)).StatusCode);
        }
        // Stopping the server flushed its exporters.

        var logged = string.Join('\n', logs.Lines);
        Assert.Contains("access_token=%5Bredacted%5D", logged);
        foreach (var secret in new[] { user.AccessToken, "one-time-code-123" })
        {
            Assert.DoesNotContain(secret, logged);
            foreach (var signal in new[] { "traces", "logs", "metrics" }) Assert.DoesNotContain(secret, collector.Received(signal));
        }
        Assert.Contains("/hubs/chat", collector.Received("traces"));
    }
}
