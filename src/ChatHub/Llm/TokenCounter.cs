using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace ChatHub.Llm;

/// <summary>Counts tokens with the o200k_base encoding, for the prompt's budget and for usage an endpoint does not report.</summary>
public static class TokenCounter
{
    /// <summary>Chat formats wrap every message in a few tokens of role markup that its text does not show.</summary>
    public const int TokensPerMessage = 4;

    /// <summary>The tokens that start the model's reply after the last message.</summary>
    public const int ReplyPriming = 3;

    // Loading the encoding's vocabulary is costly; one instance is thread-safe and serves every request.
    private static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static int Count(string text) => Tokenizer.Value.CountTokens(text);

    /// <summary>What a prompt of these messages costs, counted the way OpenAI's chat format does.</summary>
    public static int CountPrompt(IEnumerable<ChatMessage> messages) => messages.Sum(m => Count(m.Text) + TokensPerMessage) + ReplyPriming;
}
