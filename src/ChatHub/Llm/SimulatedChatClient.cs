using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ChatHub.Llm;

/// <summary>
/// A stand-in model for demos, tests and load tests: answers in character from the persona in the
/// system prompt, the same way every time for the same input, streamed word by word at a
/// configurable pace. One word and its following space count as one token.
/// </summary>
public sealed class SimulatedChatClient(SimulatedModelOptions options, TimeProvider timeProvider) : IChatClient
{
    public const string ModelId = "simulated";

    private static readonly ChatClientMetadata Metadata = new(ModelId, defaultModelId: ModelId);

    private readonly TimeSpan timeToFirstToken = TimeSpan.FromMilliseconds(options.TimeToFirstTokenMs);

    // Below a millisecond a timer cannot keep the pace anyway, so a very high rate means "as fast as possible".
    private readonly TimeSpan betweenTokens = options.TokensPerSecond > 0 && options.TokensPerSecond <= 1000
        ? TimeSpan.FromSeconds(1 / options.TokensPerSecond)
        : TimeSpan.Zero;

    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var tokens = Tokens(messages.ToList());
        var limit = options?.MaxOutputTokens is > 0 and var max ? Math.Min(max, tokens.Count) : tokens.Count;
        var responseId = $"sim-{Guid.NewGuid():N}";
        var createdAt = timeProvider.GetUtcNow();

        await DelayAsync(timeToFirstToken, cancellationToken);
        for (var i = 0; i < limit; i++)
        {
            if (i > 0)
            {
                await DelayAsync(betweenTokens, cancellationToken);
            }
            var last = i == limit - 1;
            yield return new ChatResponseUpdate(ChatRole.Assistant, tokens[i])
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = ModelId,
                CreatedAt = createdAt,
                FinishReason = !last ? null : limit < tokens.Count ? ChatFinishReason.Length : ChatFinishReason.Stop,
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    private static List<string> Tokens(IReadOnlyList<ChatMessage> messages)
    {
        var system = messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? "";
        var userText = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var text = system == TitlePrompt.Instruction ? SimulatedReply.Title(userText)
            : system == SummaryPrompt.Instruction ? SimulatedReply.Summary(userText)
            : messages[^1].Text == PromptBuilder.ContinueInstruction ? SimulatedReply.Continue(PersonaPrompt.Read(system), userText)
            : SimulatedReply.Write(PersonaPrompt.Read(system), userText);
        var words = text.Split(' ');
        return [.. words.Select((word, i) => i < words.Length - 1 ? word + " " : word)];
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        // Without a delay the loop would never yield to cancellation, so look at the token here too.
        cancellationToken.ThrowIfCancellationRequested();
        return delay > TimeSpan.Zero ? Task.Delay(delay, timeProvider, cancellationToken) : Task.CompletedTask;
    }
}
