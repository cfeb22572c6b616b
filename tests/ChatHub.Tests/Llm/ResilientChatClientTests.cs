using ChatHub.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static ChatHub.Tests.Llm.LlmTestData;

namespace ChatHub.Tests.Llm;

/// <summary>The real OpenAI client behind <see cref="ResilientChatClient"/>, against a real local HTTP endpoint.</summary>
public sealed class ResilientChatClientTests
{
    // Real timings except for backoff, which would only make the tests slow.
    private static readonly ResilienceTuning FastRetries = ResilienceTuning.Default with { RetryBaseDelay = TimeSpan.FromMilliseconds(10) };

    [Fact]
    public async Task StreamsEveryTokenInOrderAndSendsTheCharactersSettingsAndPersona()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(FakeReply.Tokens(TimeSpan.FromMilliseconds(5), "I am", " vengeance", ".", " I am", " the night."));
        using var client = Create(fake);
        var request = new PromptBuilder(Options.Create(new LlmOptions())).Build(Batman(temperature: 0.3, maxTokens: 77), [User("Who are you?")]);

        var texts = await ReadTextAsync(client.GetStreamingResponseAsync(request.Messages, request.Options, Ct)).WaitAsync(WaitLimit, Ct);

        Assert.Equal(["I am", " vengeance", ".", " I am", " the night."], texts);
        var sent = Assert.Single(fake.Requests);
        Assert.Equal(FakeOpenAiServer.Model, sent.Model);
        Assert.Equal(0.3, sent.Temperature!.Value, precision: 3);
        Assert.Equal(77, sent.MaxCompletionTokens);
        Assert.Equal($"Bearer {FakeOpenAiServer.ApiKey}", sent.Authorization);
        Assert.Equal("system", sent.Messages[0].Role);
        Assert.StartsWith("You are Batman.", sent.Messages[0].Content);
        Assert.Equal(("user", "Who are you?"), sent.Messages[^1]);
    }

    [Fact]
    public async Task AServerErrorBeforeTheFirstTokenIsRetried()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(FakeReply.Status(500), FakeReply.Tokens("Back", " again."));
        using var client = Create(fake);

        var texts = await ReadTextAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hello?")], null, Ct)).WaitAsync(WaitLimit, Ct);

        Assert.Equal(["Back", " again."], texts);
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task AFailureAfterTokensWentOutReachesTheCallerWithoutARetry()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(FakeReply.TokensThenAbort("Half", " a"), FakeReply.Tokens("never", " sent"));
        using var client = Create(fake);
        var received = new List<string>();

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            ReadTextAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Tell me")], null, Ct), received).WaitAsync(WaitLimit, Ct));

        Assert.IsNotType<ModelUnavailableException>(error);
        Assert.IsNotType<TimeoutException>(error);
        Assert.Equal(["Half", " a"], received);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task AFirstTokenSlowerThanTheLimitIsRetriedThenReportedAsModelUnavailable()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        // One reply under the default limit first, so the 1 s limit measures the model and not this
        // process's start-up (JIT, the first connection) on a busy machine.
        using (var warm = Create(fake))
        {
            await ReadTextAsync(warm.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Warm up")], null, Ct)).WaitAsync(WaitLimit, Ct);
        }
        using var client = Create(fake, maxRetries: 1, firstTokenTimeoutSeconds: 1);
        fake.DefaultReply = FakeReply.SlowFirstToken(TimeSpan.FromSeconds(5), "too", " late");

        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            ReadTextAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hurry")], null, Ct)).WaitAsync(WaitLimit, Ct));

        Assert.IsType<TimeoutRejectedException>(error.InnerException);
        var requests = await fake.WaitForRequestsAsync(3, Ct).WaitAsync(WaitLimit, Ct);
        Assert.Equal(["Warm up", "Hurry", "Hurry"], requests.Select(r => r.Messages[^1].Content));
    }

    [Fact]
    public async Task AnErrorThatRetryingCannotFixIsReportedAtOnce()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(FakeReply.Status(401));
        using var client = Create(fake);

        await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            ReadTextAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], null, Ct)).WaitAsync(WaitLimit, Ct));

        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task TheCircuitOpensAfterRepeatedFailuresAndThenFailsFastWithoutCallingTheModel()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.DefaultReply = FakeReply.Status(503);
        var tuning = ResilienceTuning.Default;
        using var client = Create(fake, maxRetries: 0);

        for (var i = 0; i < tuning.BreakerMinimumThroughput; i++)
        {
            await Assert.ThrowsAsync<ModelUnavailableException>(() =>
                ReadTextAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], null, Ct)).WaitAsync(WaitLimit, Ct));
        }
        var error = await Assert.ThrowsAsync<ModelUnavailableException>(() =>
            ReadTextAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")], null, Ct)).WaitAsync(WaitLimit, Ct));

        Assert.IsType<BrokenCircuitException>(error.InnerException);
        Assert.Equal(tuning.BreakerMinimumThroughput, fake.Requests.Count);
    }

    [Fact]
    public async Task CancellingBeforeTheFirstTokenIsNeitherRetriedNorReportedAsAFailure()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.DefaultReply = FakeReply.SlowFirstToken(TimeSpan.FromSeconds(5), "unheard");
        using var client = Create(fake);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var reading = ReadTextAsync(client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Never mind")], null, cancel.Token));
        await fake.WaitForRequestsAsync(1, Ct).WaitAsync(WaitLimit, Ct);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(WaitLimit, Ct));
        Assert.Single(fake.Requests);
    }

    private static ResilientChatClient Create(FakeOpenAiServer fake, int maxRetries = 2, int firstTokenTimeoutSeconds = 5)
    {
        var options = new LlmOptions
        {
            Endpoint = fake.Endpoint.ToString(),
            Model = FakeOpenAiServer.Model,
            ApiKey = FakeOpenAiServer.ApiKey,
            MaxRetries = maxRetries,
            FirstTokenTimeoutSeconds = firstTokenTimeoutSeconds,
        };
        return new ResilientChatClient(OpenAiModel.Create(options, options.FirstTokenTimeoutSeconds), options, FastRetries, TimeProvider.System, NullLogger.Instance);
    }
}
