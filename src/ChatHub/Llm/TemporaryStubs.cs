using ChatHub.Characters;
using ChatHub.Conversations;
using Microsoft.Extensions.AI;

namespace ChatHub.Llm;

public sealed record ModelRequest(IList<ChatMessage> Messages, ChatOptions Options);

public sealed class PromptBuilder
{
    public ModelRequest Build(Character character, IReadOnlyList<StoredMessage> history) =>
        new([new ChatMessage(ChatRole.System, character.Name), .. history.Select(m => new ChatMessage(m.Sender == "user" ? ChatRole.User : ChatRole.Assistant, m.Text))],
            new ChatOptions { Temperature = (float)character.Temperature, MaxOutputTokens = character.MaxTokens });
}

public static class LlmExtensions
{
    public static WebApplicationBuilder AddLlm(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PromptBuilder>();
        builder.Services.AddSingleton<IChatClient>(new StubClient());
        return builder;
    }

    private sealed class StubClient : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var word in "Elementary my dear friend , the answer is right before your eyes if you but look . ".Split(' '))
            {
                await Task.Delay(25, cancellationToken);
                yield return new ChatResponseUpdate(ChatRole.Assistant, word + " ");
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }
}

public sealed class ModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
