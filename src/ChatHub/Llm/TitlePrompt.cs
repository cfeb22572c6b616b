using ChatHub.Conversations;
using Microsoft.Extensions.AI;

namespace ChatHub.Llm;

/// <summary>The short, non-streamed request that names a conversation after its first exchange, and how its answer is read.</summary>
public static class TitlePrompt
{
    public const string Instruction =
        "Write a title of at most six words for the conversation below. Answer with the title alone: no quotes, no full stop.";

    /// <summary>A title needs few tokens; more would only cost.</summary>
    public const int MaxTokens = 24;

    // The exchange is cut: its start says what the conversation is about.
    private const int ExchangeChars = 1_000;

    public static ModelRequest Build(string userText, string replyText) => new(
        [
            new ChatMessage(ChatRole.System, Instruction),
            new ChatMessage(ChatRole.User, $"User: {Cut(userText)}\nCharacter: {Cut(replyText)}"),
        ],
        new ChatOptions { MaxOutputTokens = MaxTokens, Temperature = 0.3f });

    /// <summary>The model's answer as a title: its first line without quotes or a final full stop; null when nothing is left.</summary>
    public static string? Read(string? answer)
    {
        var line = answer?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        line = line.Trim('"', '\'', '*', '“', '”', ' ').TrimEnd('.');
        return ConversationTitles.Check(line).Title;
    }

    private static string Cut(string text) => text.Length <= ExchangeChars ? text : text[..ExchangeChars];
}
