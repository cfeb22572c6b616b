namespace ChatHub.Tests.Llm;

/// <summary>
/// How <see cref="FakeOpenAiServer"/> answers one request. Start from a factory and adjust with
/// <c>with</c>, e.g. <c>FakeReply.Tokens("Hi", " there") with { DelayBetweenTokens = TimeSpan.FromMilliseconds(50) }</c>.
/// </summary>
public sealed record FakeReply
{
    /// <summary>Anything but 200 answers with that status and an OpenAI-style error body instead of a stream.</summary>
    public int StatusCode { get; init; } = 200;

    /// <summary>The text of each streamed chunk, in order.</summary>
    public IReadOnlyList<string> Chunks { get; init; } = [];

    /// <summary>Waited after the headers and a role-only chunk went out, before the first chunk with text.</summary>
    public TimeSpan FirstTokenDelay { get; init; }

    public TimeSpan DelayBetweenTokens { get; init; }

    /// <summary>Drops the connection after the chunks instead of finishing the stream.</summary>
    public bool AbortAfterChunks { get; init; }

    /// <summary>Sent as OpenAI does with <c>stream_options.include_usage</c>: a last chunk with no choices and the usage.</summary>
    public (int PromptTokens, int CompletionTokens)? Usage { get; init; }

    public static FakeReply Tokens(params string[] chunks) => new() { Chunks = chunks };

    public static FakeReply Tokens(TimeSpan delayBetween, params string[] chunks) => new() { Chunks = chunks, DelayBetweenTokens = delayBetween };

    public static FakeReply SlowFirstToken(TimeSpan delay, params string[] chunks) => new() { Chunks = chunks, FirstTokenDelay = delay };

    public static FakeReply TokensThenAbort(params string[] chunks) => new() { Chunks = chunks, AbortAfterChunks = true };

    public static FakeReply Status(int statusCode) => new() { StatusCode = statusCode };
}
