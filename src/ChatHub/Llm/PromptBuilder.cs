using System.Text;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace ChatHub.Llm;

/// <summary>
/// Turns a character and its conversation into a model request. History is cut by tokens, not
/// characters, because the model's context window is counted in tokens.
/// </summary>
public sealed class PromptBuilder(IOptions<LlmOptions> options)
{
    private const int TokensPerMessage = TokenCounter.TokensPerMessage;

    /// <summary>Ends the prompt of a continued reply, whose partial text is the history's last message.</summary>
    public const string ContinueInstruction = "Continue your last message from exactly where it stopped, without repeating any of it.";

    private readonly int defaultBudget = options.Value.HistoryTokenBudget;

    /// <summary>
    /// The character's card as the system prompt (<see cref="CardPrompt"/>), with the lorebook entries the
    /// conversation triggers; then the greeting and the history that fit what is left of the budget; then the
    /// card's post-history instructions.
    /// </summary>
    /// <param name="history">The active branch root side first, ending with the user's new message (or, <paramref name="continuing"/>, the reply to go on with).</param>
    /// <param name="maxTokensCap">The user's role caps the reply's length below the character's own max_tokens.</param>
    /// <param name="user">Who the user is: <c>{{user}}</c> and their persona.</param>
    /// <param name="continuing">The model goes on with the last message: the prompt ends by saying so.</param>
    /// <param name="contextTokens">The model profile's context window: the history gets what the system prompts and the reply leave of it. Null for <c>Llm:HistoryTokenBudget</c>.</param>
    /// <param name="summary">The conversation's rolling summary of what came before <paramref name="history"/>: it goes before the history and out of its budget.</param>
    public ModelRequest Build(
        Character character, IReadOnlyList<StoredMessage> history, int maxTokensCap = int.MaxValue, UserPersona? user = null, bool continuing = false,
        int? contextTokens = null, string? summary = null)
    {
        user ??= UserPersona.Unknown;
        var maxOutput = Math.Min(character.MaxTokens, maxTokensCap);
        var budget = contextTokens is { } window ? Math.Max(0, window - maxOutput - FixedCost(character, user, continuing)) : defaultBudget;
        // Lorebook entries come out of the history's budget: together they stay within it.
        var lore = Lorebook.Of(character.Card) is { } book ? LoreSelection.Select(book, history, budget, CountTokens) : [];
        var memory = string.IsNullOrWhiteSpace(summary) ? null : SummaryPrompt.InPrompt(summary);
        var historyBudget = budget - lore.Sum(e => CountTokens(e.Content)) - (memory is null ? 0 : CountTokens(memory.Text));
        // The greeting opened the conversation, so the model reads it as its own first message. A conversation
        // started since greetings are stored has its greeting (or the alternative picked) as the branch's root.
        if (character.Card.Greeting.Trim().Length > 0 && history is not [{ Sender: MessageValues.SenderAi, ParentId: null }, ..])
        {
            var greeting = CardPrompt.Macros(character.Card.Greeting, character, user);
            history = [new StoredMessage("", MessageValues.SenderAi, greeting, DateTimeOffset.MinValue), .. history];
        }
        var kept = new List<ChatMessage>();
        string? oldestKeptId = null;
        var used = 0;
        // A token is at least one UTF-8 byte, so while the bytes fit the budget the tokens do too: a
        // conversation shorter than the budget is never tokenized. Once the bytes stop settling it,
        // what is kept is counted exactly and the rest is too.
        var exact = false;
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (ToChatMessage(history[i]) is not { } message)
            {
                continue;
            }
            var cost = exact ? CountTokens(message.Text) : MostTokens(message.Text);
            if (!exact && kept.Count > 0 && used + cost > historyBudget)
            {
                exact = true;
                used = kept.Sum(m => CountTokens(m.Text));
                cost = CountTokens(message.Text);
            }
            // The newest message is what the reply answers, so it goes in even when it alone is over budget.
            // Older ones stop at the first that does not fit: a gap in the middle would confuse the model.
            if (kept.Count > 0 && used + cost > historyBudget)
            {
                break;
            }
            kept.Add(message);
            oldestKeptId = history[i].Id;
            used += cost;
        }
        if (memory is not null) kept.Add(memory);
        kept.Add(new ChatMessage(ChatRole.System, CardPrompt.Write(character, user, lore)));
        kept.Reverse();
        if (character.Card.PostHistoryInstructions.Trim().Length > 0)
        {
            kept.Add(new ChatMessage(ChatRole.System, CardPrompt.Macros(character.Card.PostHistoryInstructions.Trim(), character, user)));
        }
        if (continuing)
        {
            kept.Add(new ChatMessage(ChatRole.System, ContinueInstruction));
        }

        return new ModelRequest(kept, new ChatOptions
        {
            Temperature = (float)character.Temperature,
            MaxOutputTokens = maxOutput,
        }, oldestKeptId);
    }

    /// <summary>What a prompt costs besides its history and lorebook entries: the card's system prompt, the instructions after the history, the reply's priming.</summary>
    private static int FixedCost(Character character, UserPersona user, bool continuing) =>
        CountTokens(CardPrompt.Write(character, user, []))
        + (character.Card.PostHistoryInstructions.Trim().Length > 0 ? CountTokens(CardPrompt.Macros(character.Card.PostHistoryInstructions.Trim(), character, user)) : 0)
        + (continuing ? CountTokens(ContinueInstruction) : 0)
        + TokenCounter.ReplyPriming;

    internal static int CountTokens(string text) => TokenCounter.Count(text) + TokensPerMessage;

    private static int MostTokens(string text) => Encoding.UTF8.GetByteCount(text) + TokensPerMessage;

    private static ChatMessage? ToChatMessage(StoredMessage message) => message.Sender switch
    {
        MessageValues.SenderUser => new ChatMessage(ChatRole.User, message.Text),
        // An empty reply (failed before its first token) says nothing and would only cost tokens.
        MessageValues.SenderAi when !string.IsNullOrWhiteSpace(message.Text) => new ChatMessage(ChatRole.Assistant, message.Text),
        _ => null,
    };
}
