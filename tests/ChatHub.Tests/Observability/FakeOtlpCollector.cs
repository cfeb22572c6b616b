namespace ChatHub.Tests.Observability;

/// <summary>
/// A real OTLP/HTTP endpoint on Kestrel (127.0.0.1, a free port) that keeps every export it receives,
/// so tests exercise the real OpenTelemetry exporter. Protobuf strings are plain UTF-8 on the wire,
/// which is all the tests need to look for ids and for words that must not be there.
/// </summary>
public sealed class FakeOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<(string Signal, byte[] Body)> _exports = [];

    private FakeOtlpCollector(WebApplication app)
    {
        _app = app;
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            lock (_lock) _exports.Add((signal, body.ToArray()));
            return Results.Ok();
        });
    }

    public Uri Endpoint => new(_app.Urls.Single());

    public static async Task<FakeOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var collector = new FakeOtlpCollector(builder.Build());
        await collector._app.StartAsync(TestContext.Current.CancellationToken);
        return collector;
    }

    /// <summary>Everything exported for one signal (<c>traces</c>, <c>metrics</c>, <c>logs</c>), as text.</summary>
    public string Received(string signal)
    {
        lock (_lock) return string.Concat(_exports.Where(e => e.Signal == signal).Select(e => System.Text.Encoding.UTF8.GetString(e.Body)));
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
