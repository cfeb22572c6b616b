using ChatHub.Contracts;
using ChatHub.Conversations;
using Microsoft.Extensions.AI;

namespace ChatHub.Llm;

/// <summary>
/// The short, non-streamed request that folds the part of a conversation that no longer fits the prompt into its
/// rolling summary (<see cref="ConversationMemory"/>), and how the summary goes into a reply's prompt.
/// </summary>
public static class SummaryPrompt
{
    public const string Instruction =
        "Update the summary of a role-play conversation with the messages below. Keep names, facts, promises and open threads; "
        + "drop small talk. Answer with the updated summary alone, in at most 200 words.";

    /// <summary>What a summary may cost: it takes that much of every later prompt's history budget.</summary>
    public const int MaxTokens = 400;

    /// <summary>The most characters a summary may have, written by the model or by the user.</summary>
    public const int MaxChars = 4_000;

    /// <summary>How many tokens of messages one request folds in; a longer stretch is folded in several, one after another.</summary>
    public const int ChunkTokens = 3_000;

    private const string PromptHeading = "Summary of the conversation before the messages that follow:\n";

    public static ModelRequest Build(string previous, IReadOnlyList<StoredMessage> messages) => new(
        [
            new ChatMessage(ChatRole.System, Instruction),
            new ChatMessage(ChatRole.User, $"Summary so far: {(previous.Length > 0 ? previous : "(none)")}\n\nMessages:\n{Transcript(messages)}"),
        ],
        new ChatOptions { MaxOutputTokens = MaxTokens, Temperature = 0.2f });

    /// <summary>The model's answer as a summary: trimmed and cut to <see cref="MaxChars"/>; null when nothing is left.</summary>
    public static string? Read(string? answer) => answer?.Trim() is { Length: > 0 } text ? text.Length <= MaxChars ? text : text[..MaxChars] : null;

    /// <summary>The system message a reply's prompt carries before its recent messages.</summary>
    public static ChatMessage InPrompt(string summary) => new(ChatRole.System, PromptHeading + summary);

    private static string Transcript(IReadOnlyList<StoredMessage> messages) => string.Join('\n', messages
        .Where(m => !string.IsNullOrWhiteSpace(m.Text))
        .Select(m => $"{(m.Sender == MessageValues.SenderUser ? "User" : "Character")}: {m.Text.Trim()}"));
}
