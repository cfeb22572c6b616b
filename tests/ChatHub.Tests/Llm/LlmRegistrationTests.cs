using System.Collections.Concurrent;
using ChatHub.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using static ChatHub.Tests.Llm.LlmTestData;

namespace ChatHub.Tests.Llm;

public sealed class LlmRegistrationTests
{
    [Fact]
    public async Task WithoutAnEndpointTheSimulatedModelAnswersAndTheLogSaysSo()
    {
        var logs = new LogCapture();
        await using var app = Build([new("Llm:Simulated:TimeToFirstTokenMs", "0"), new("Llm:Simulated:TokensPerSecond", "0")], logs);
        await app.StartAsync(Ct).WaitAsync(WaitLimit, Ct);

        var model = app.Services.GetRequiredService<IChatClient>();
        var request = app.Services.GetRequiredService<PromptBuilder>().Build(Batman(), [User("Hello")]);
        var reply = await model.GetResponseAsync(request.Messages, request.Options, Ct).WaitAsync(WaitLimit, Ct);

        Assert.NotNull(model.GetService<SimulatedChatClient>());
        Assert.Contains("Batman", reply.Text);
        Assert.Contains(logs.Messages, m => m.StartsWith("Llm:Endpoint is not set: using the built-in simulated model (TTFT 0 ms, 0 tokens/s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEndpointWithoutAModelFailsStartUpNamingTheKey()
    {
        await using var app = Build([new("Llm:Endpoint", "http://127.0.0.1:1/v1")]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(Ct).WaitAsync(WaitLimit, Ct));

        Assert.Contains("Llm:Model", error.Message);
    }

    [Fact]
    public async Task WithAnEndpointTheRemoteModelAnswersBehindTheResiliencePipeline()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(Ct);
        fake.Enqueue(FakeReply.Status(502), FakeReply.Tokens("Through", " the", " pipeline."));
        await using var app = Build(fake.LlmConfiguration);
        await app.StartAsync(Ct).WaitAsync(WaitLimit, Ct);

        var model = app.Services.GetRequiredService<IChatClient>();
        var texts = await ReadTextAsync(model.GetStreamingResponseAsync("Hello", cancellationToken: Ct)).WaitAsync(WaitLimit, Ct);

        Assert.NotNull(model.GetService<ResilientChatClient>());
        Assert.Equal(["Through", " the", " pipeline."], texts);
        Assert.Equal(2, fake.Requests.Count);
    }

    private static WebApplication Build(IEnumerable<KeyValuePair<string, string?>> settings, LogCapture? logs = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        builder.AddLlm();
        return builder.Build();
    }

    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> messages = new();

        public IReadOnlyCollection<string> Messages => messages;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
