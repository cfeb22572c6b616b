using System.Text.Json;

namespace ChatHub.Tests.Llm;

/// <summary>
/// A real OpenAI-compatible HTTP endpoint on Kestrel (127.0.0.1, a free port), so tests exercise
/// the real OpenAI client library: it streams chat completions as server-sent events, answers each
/// request with the next <see cref="Enqueue">queued</see> <see cref="FakeReply"/> (or
/// <see cref="DefaultReply"/> when the queue is empty), and records every request. A request that does
/// not ask to stream (a conversation's title) gets the reply whole, from <see cref="WholeReply"/>, and is
/// recorded apart (<see cref="WholeRequests"/>), so tests that count replies' requests are not disturbed.
/// <code>
/// await using var fake = await FakeOpenAiServer.StartAsync(ct);
/// fake.Enqueue(FakeReply.Status(500), FakeReply.Tokens("Hello", " there"));
/// builder.Configuration.AddInMemoryCollection(fake.LlmConfiguration);
/// </code>
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string Model = "fake-model";
    public const string ApiKey = "fake-key";

    // Long enough for a client on a busy machine to read what was sent before the reset discards it.
    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(500);

    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly Queue<FakeReply> replies = new();
    private readonly List<FakeRequest> requests = [];
    private readonly List<FakeRequest> wholeRequests = [];
    private TaskCompletionSource requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeOpenAiServer(WebApplication app)
    {
        this.app = app;
        app.MapPost("/v1/chat/completions", HandleAsync);
    }

    /// <summary>The base address to configure as <c>Llm:Endpoint</c> (ends in <c>/v1</c>, like real servers).</summary>
    // Once started, Kestrel reports the port it picked for port 0 in IServerAddressesFeature, which Urls reads.
    public Uri Endpoint => new($"{app.Urls.Single()}/v1");

    /// <summary>Configuration that points the app's model at this server (<c>Llm:Endpoint</c>, <c>Llm:Model</c>, <c>Llm:ApiKey</c>).</summary>
    public IEnumerable<KeyValuePair<string, string?>> LlmConfiguration =>
    [
        new("Llm:Endpoint", Endpoint.ToString()),
        new("Llm:Model", Model),
        new("Llm:ApiKey", ApiKey),
    ];

    /// <summary>The answer when nothing is queued.</summary>
    public FakeReply DefaultReply { get; set; } = FakeReply.Tokens("Hello", " from", " the", " fake", " model.");

    /// <summary>The answer to every request that does not stream.</summary>
    public FakeReply WholeReply { get; set; } = FakeReply.Tokens("A Night", " in Gotham");

    /// <summary>Whole answers wait for this before they go out: a test holds them to show nothing else waits for them.</summary>
    public Task WholeReplyGate { get; set; } = Task.CompletedTask;

    /// <summary>Every request that did not ask to stream, oldest first.</summary>
    public IReadOnlyList<FakeRequest> WholeRequests
    {
        get
        {
            lock (gate)
            {
                return [.. wholeRequests];
            }
        }
    }

    /// <summary>Every streaming request received so far, oldest first.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (gate)
            {
                return [.. requests];
            }
        }
    }

    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeOpenAiServer(builder.Build());
        await server.app.StartAsync(cancellationToken);
        return server;
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> requests arrived, with all of them. A request
    /// can reach the server after the client gave up on it, so wait before counting attempts.
    /// </summary>
    public Task<IReadOnlyList<FakeRequest>> WaitForRequestsAsync(int count, CancellationToken cancellationToken) =>
        WaitForAsync(requests, count, cancellationToken);

    /// <summary>As <see cref="WaitForRequestsAsync"/>, for the requests that did not stream.</summary>
    public Task<IReadOnlyList<FakeRequest>> WaitForWholeRequestsAsync(int count, CancellationToken cancellationToken) =>
        WaitForAsync(wholeRequests, count, cancellationToken);

    private async Task<IReadOnlyList<FakeRequest>> WaitForAsync(List<FakeRequest> list, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task arrived;
            lock (gate)
            {
                if (list.Count >= count)
                {
                    return [.. list];
                }
                arrived = requestArrived.Task;
            }
            await arrived.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Queues answers for the next requests, in order.</summary>
    public void Enqueue(params FakeReply[] next)
    {
        lock (gate)
        {
            foreach (var reply in next)
            {
                replies.Enqueue(reply);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        // Recorded even if the client has given up meanwhile (e.g. its time limit hit on a busy machine):
        // the body is already buffered, and a test counting attempts must see every one.
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: app.Lifetime.ApplicationStopping);
        if (!(body.RootElement.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True))
        {
            await AnswerWholeAsync(context, body.RootElement.Clone());
            return;
        }
        FakeReply reply;
        lock (gate)
        {
            requests.Add(new FakeRequest(body.RootElement.Clone(), context.Request.Headers.Authorization.ToString()));
            requestArrived.TrySetResult();
            requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
            reply = replies.TryDequeue(out var next) ? next : DefaultReply;
        }

        var response = context.Response;
        if (reply.StatusCode != StatusCodes.Status200OK)
        {
            response.StatusCode = reply.StatusCode;
            await response.WriteAsJsonAsync(new { error = new { message = $"Scripted status {reply.StatusCode}.", type = "server_error" } });
            return;
        }

        // A client that gives up (a time limit, a cancelled reply) or the server stopping ends the script early.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, app.Lifetime.ApplicationStopping);
        try
        {
            response.ContentType = "text/event-stream";
            var id = $"chatcmpl-{Guid.NewGuid():N}";
            // Like OpenAI: a role-only chunk goes out at once, however long the first token takes.
            await WriteEventAsync(response, Chunk(id, new { role = "assistant", content = "" }, finishReason: null), stop.Token);
            await Task.Delay(reply.FirstTokenDelay, stop.Token);
            for (var i = 0; i < reply.Chunks.Count; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(reply.DelayBetweenTokens, stop.Token);
                }
                await WriteEventAsync(response, Chunk(id, new { content = reply.Chunks[i] }, finishReason: null), stop.Token);
            }
            if (reply.AbortAfterChunks)
            {
                // A reset makes the client's kernel drop whatever it has not read yet, so give it time to read the chunks.
                await Task.Delay(AbortGrace, stop.Token);
                context.Abort();
                return;
            }
            await WriteEventAsync(response, Chunk(id, new { }, finishReason: "stop"), stop.Token);
            if (reply.Usage is var (prompt, completion))
            {
                await WriteEventAsync(response, new
                {
                    id,
                    @object = "chat.completion.chunk",
                    created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    model = Model,
                    choices = Array.Empty<object>(),
                    usage = new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion },
                }, stop.Token);
            }
            await response.WriteAsync("data: [DONE]\n\n", stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client is gone or the server is stopping; there is no one left to answer.
        }
    }

    private async Task AnswerWholeAsync(HttpContext context, JsonElement body)
    {
        FakeReply reply;
        lock (gate)
        {
            wholeRequests.Add(new FakeRequest(body, context.Request.Headers.Authorization.ToString()));
            reply = WholeReply;
            requestArrived.TrySetResult();
            requestArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        await WholeReplyGate.WaitAsync(app.Lifetime.ApplicationStopping);
        if (reply.StatusCode != StatusCodes.Status200OK)
        {
            context.Response.StatusCode = reply.StatusCode;
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"Scripted status {reply.StatusCode}.", type = "server_error" } });
            return;
        }
        await context.Response.WriteAsJsonAsync(new
        {
            id = $"chatcmpl-{Guid.NewGuid():N}",
            @object = "chat.completion",
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            model = Model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(reply.Chunks) }, finish_reason = "stop" } },
        });
    }

    private static object Chunk(string id, object delta, string? finishReason) => new
    {
        id,
        @object = "chat.completion.chunk",
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        model = Model,
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    };

    private static async Task WriteEventAsync(HttpResponse response, object chunk, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"data: {JsonSerializer.Serialize(chunk)}\n\n", cancellationToken);
        // Flush each event so the client sees tokens as they are "generated", not when the buffer fills.
        await response.Body.FlushAsync(cancellationToken);
    }
}
