using System.ClientModel;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ChatHub.Llm;

/// <summary>
/// Retries, a first-token time limit and a circuit breaker around a remote model. They cover only
/// opening the stream and reading up to its first output (text or other content): once that reached
/// the caller, a retry would repeat or contradict text a user already saw, so later errors propagate
/// as they are. Anything that stops the first output arriving becomes a <see cref="ModelUnavailableException"/>;
/// the caller's own cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed partial class ResilientChatClient : DelegatingChatClient
{
    private readonly ResiliencePipeline pipeline;
    private readonly CircuitBreakerStateProvider circuit = new();

    public ResilientChatClient(IChatClient innerClient, LlmOptions options, TimeProvider timeProvider, ILogger<ResilientChatClient> logger)
        : this(innerClient, options, ResilienceTuning.Default, timeProvider, logger)
    {
    }

    internal ResilientChatClient(IChatClient innerClient, LlmOptions options, ResilienceTuning tuning, TimeProvider timeProvider, ILogger logger)
        : base(innerClient) => pipeline = BuildPipeline(options, tuning, timeProvider, logger, circuit);

    /// <summary>The circuit breaker's state: this client's alone, so one failing endpoint does not stop another.</summary>
    public CircuitState Circuit => circuit.CircuitState;

    /// <summary>
    /// A short answer read whole, not streamed (a conversation's title): the same retries and breaker, and the
    /// first-token limit covers the whole answer, which a few tokens meet.
    /// </summary>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var messageList = messages as IList<ChatMessage> ?? [.. messages];
        try
        {
            return await pipeline.ExecuteAsync(
                static (state, attemptToken) => new ValueTask<ChatResponse>(state.Client.WholeAsync(state.Messages, state.Options, attemptToken)),
                (Client: this, Messages: messageList, Options: options),
                cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelUnavailableException(ex);
        }
    }

    private Task<ChatResponse> WholeAsync(IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        base.GetResponseAsync(messages, options, cancellationToken);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Each attempt enumerates the messages again, which a lazy sequence might not allow.
        var messageList = messages as IList<ChatMessage> ?? [.. messages];
        await using var stream = await OpenAsync(messageList, options, cancellationToken);
        foreach (var update in stream.Leading)
        {
            yield return update;
        }
        while (stream.More && await stream.Updates.MoveNextAsync())
        {
            yield return stream.Updates.Current;
        }
    }

    private async Task<OpenStream> OpenAsync(IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(
                static (state, attemptToken) => state.Client.OpenAttemptAsync(state.Messages, state.Options, state.CancellationToken, attemptToken),
                (Client: this, Messages: messages, Options: options, CancellationToken: cancellationToken),
                cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ModelUnavailableException(ex);
        }
    }

    /// <summary>
    /// One attempt. The stream gets its own token source linked to the caller's, because Polly's
    /// per-attempt token (which carries the first-token timeout) is pooled and reused once the
    /// pipeline returns, while the stream lives on; that token may only cancel the wait for the first output.
    /// </summary>
    private async ValueTask<OpenStream> OpenAttemptAsync(
        IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken, CancellationToken attemptToken)
    {
        var streamCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var updates = base.GetStreamingResponseAsync(messages, options, streamCancellation.Token).GetAsyncEnumerator(streamCancellation.Token);
        try
        {
            var leading = new List<ChatResponseUpdate>();
            bool more;
            await using (attemptToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), streamCancellation))
            {
                // Servers often send a role-only or empty update at once; the time limit is for the first real output.
                while ((more = await updates.MoveNextAsync()) && !HasOutput(updates.Current))
                {
                    leading.Add(updates.Current);
                }
            }
            // The time limit may have hit just as the first token came; that stream is cancelled, so fail the attempt.
            streamCancellation.Token.ThrowIfCancellationRequested();
            if (more)
            {
                leading.Add(updates.Current);
            }
            return new OpenStream(updates, leading, more, streamCancellation);
        }
        catch
        {
            await updates.DisposeAsync();
            streamCancellation.Dispose();
            throw;
        }
    }

    private static ResiliencePipeline BuildPipeline(LlmOptions options, ResilienceTuning tuning, TimeProvider timeProvider, ILogger logger, CircuitBreakerStateProvider circuit)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = tuning.RetryBaseDelay,
                MaxDelay = tuning.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception, args.Context.CancellationToken)),
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            });
        }
        // Inside the retry, so each attempt counts towards the breaker and an open circuit is not retried.
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = tuning.BreakerFailureRatio,
            SamplingDuration = tuning.BreakerSamplingDuration,
            MinimumThroughput = tuning.BreakerMinimumThroughput,
            BreakDuration = tuning.BreakDuration,
            StateProvider = circuit,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception, args.Context.CancellationToken)),
            OnOpened = args =>
            {
                LogCircuitOpened(logger, args.BreakDuration.TotalSeconds, args.Outcome.Exception);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(TimeSpan.FromSeconds(options.FirstTokenTimeoutSeconds));
        return builder.Build();
    }

    private static bool HasOutput(ChatResponseUpdate update) =>
        update.Contents.Any(content => content is not TextContent { Text.Length: 0 });

    /// <summary>Failures another attempt may fix. Errors such as a bad key or an unknown model are not retried.</summary>
    private static bool IsTransient(Exception? exception, CancellationToken callerToken) => exception switch
    {
        null or BrokenCircuitException => false,
        TimeoutRejectedException => true,
        // Cancelled without the caller asking: the client library's own network timeout.
        OperationCanceledException => !callerToken.IsCancellationRequested,
        ClientResultException { Status: 0 or 408 or 429 or >= 500 } => true,
        HttpRequestException or IOException => true,
        _ => false,
    };

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "The model did not start a reply; retry {Attempt} in {DelayMs:0} ms.")]
    private static partial void LogRetry(ILogger logger, int attempt, double delayMs, Exception? exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "The model keeps failing; circuit opened, replies fail fast for {BreakSeconds:0} s.")]
    private static partial void LogCircuitOpened(ILogger logger, double breakSeconds, Exception? exception);

    /// <summary>
    /// An open stream: the updates read up to and including the first output, whether the stream may
    /// have more after them, and the token source it reads with.
    /// </summary>
    private sealed record OpenStream(
        IAsyncEnumerator<ChatResponseUpdate> Updates, IReadOnlyList<ChatResponseUpdate> Leading, bool More, CancellationTokenSource Cancellation)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Updates.DisposeAsync();
            Cancellation.Dispose();
        }
    }
}
