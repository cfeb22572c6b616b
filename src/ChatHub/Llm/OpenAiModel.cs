using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace ChatHub.Llm;

/// <summary>The OpenAI-compatible endpoint of a model profile, as a bare client: resilience is added around it.</summary>
internal static class OpenAiModel
{
    // Local servers (Ollama, llama.cpp, vLLM) ignore the key, but the client refuses an empty one.
    private const string PlaceholderKey = "unused";

    // Applies to each read of a streamed reply: a stream silent for this long is dead. Polly's
    // first-token limit is the tighter bound before the first token, so this must not be shorter.
    private static readonly TimeSpan MinimumStallTimeout = TimeSpan.FromSeconds(30);

    public static IChatClient Create(ModelProfileOptions options, int firstTokenTimeoutSeconds)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint!),
            NetworkTimeout = TimeSpan.FromSeconds(Math.Max(firstTokenTimeoutSeconds, MinimumStallTimeout.TotalSeconds)),
            // Polly is the only retry layer; the client's own retries would multiply attempts and hide time from the first-token limit.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        var key = string.IsNullOrWhiteSpace(options.ApiKey) ? PlaceholderKey : options.ApiKey;
        return new OpenAIClient(new ApiKeyCredential(key), clientOptions).GetChatClient(options.Model!).AsIChatClient();
    }
}
