using System.Text.Json.Nodes;
using ChatHub.Characters;
using ChatHub.Conversations;
using ChatHub.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using static ChatHub.Tests.Llm.LlmTestData;

namespace ChatHub.Tests.Llm;

/// <summary>The prompt follows the character card: its order, its macros, its lorebook and the budget.</summary>
public sealed class CardPromptTests
{
    private static readonly UserPersona Lois = new("Lois", "A reporter from Metropolis who never gives up a story.");

    [Fact]
    public void TheSystemPromptFollowsTheCardsOrderWithMacrosReplacedAndNothingMeantForPeople()
    {
        var character = Batman() with
        {
            Card = CardFields.Empty with
            {
                SystemPrompt = "Write {{char}}'s next reply to {{user}}. {{original}}",
                Scenario = "{{user}} meets {{char}} on a rooftop.",
                ExampleDialogue = "<START>\n{{user}}: Who are you?\n{{char}}: Vengeance.",
                PostHistoryInstructions = "Answer {{user}} in under 50 words.",
                Greeting = "*{{char}} lands.* You should not be here, {{user}}.",
                CreatorNotes = "NOTES-FOR-PEOPLE",
                Creator = "CREATOR-NAME",
                CharacterVersion = "VERSION-9",
                Lorebook = Book(Entry("Joker", "BEFORE: the Joker escaped.", position: "before_char"), Entry("Gotham", "AFTER: Gotham floods.")),
            },
        };

        var request = Builder(3000).Build(character, [User("Tell me about the Joker and Gotham.")], user: Lois);

        var system = request.Messages[0].Text;
        string[] inOrder =
        [
            "Write Batman's next reply to Lois. You are Batman.", "BEFORE: the Joker escaped.", character.Description, "Your traits: brooding",
            "Scenario: Lois meets Batman on a rooftop.", Lois.Persona, "AFTER: Gotham floods.", "Lois: Who are you?\nBatman: Vengeance.",
        ];
        var positions = inOrder.Select(part => system.IndexOf(part, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0, system));
        Assert.Equal(positions.Order(), positions);
        Assert.DoesNotContain("{{", system);
        Assert.All(new[] { "NOTES-FOR-PEOPLE", "CREATOR-NAME", "VERSION-9" }, secret => Assert.DoesNotContain(request.Messages, m => m.Text.Contains(secret)));
        Assert.Equal(
            [(ChatRole.System, system), (ChatRole.Assistant, "*Batman lands.* You should not be here, Lois."),
             (ChatRole.User, "Tell me about the Joker and Gotham."), (ChatRole.System, "Answer Lois in under 50 words.")],
            request.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public void EntriesAreTriggeredByTheirKeysInTheScannedMessagesAsTheirFlagsSay()
    {
        var character = Batman() with
        {
            Card = CardFields.Empty with
            {
                Lorebook = Book(scanDepth: 2,
                    entries:
                    [
                        Entry("scarecrow", "OLD: only in a message beyond the scan depth."),
                        Entry("RIDDLER", "ANYCASE: keys match in any case by default."),
                        Entry("penguin", "CASE: wrong case.", caseSensitive: true),
                        Entry("Penguin", "CASE-OK: the right case.", caseSensitive: true, order: 2),
                        Entry("riddler", "SELECTIVE-NO: needs a secondary key too.", selective: true, secondary: ["umbrella"]),
                        Entry("riddler", "SELECTIVE-YES: has its secondary key.", selective: true, secondary: ["question"], order: 3),
                        Entry("nothing-here", "CONSTANT: always in.", constant: true, order: 4),
                        Entry("riddler", "DISABLED: never in.", enabled: false),
                    ]),
            },
        };
        List<StoredMessage> history = [User("The scarecrow is loose."), Ai("Noted."), User("The Riddler left a question mark. And Penguin too.")];

        var system = Builder(3000).Build(character, history).Messages[0].Text;

        Assert.Equal(["ANYCASE", "CASE-OK", "SELECTIVE-YES", "CONSTANT"],
            system.Split('\n').Where(l => l.Contains(':') && l.Split(':')[0].All(c => char.IsUpper(c) || c == '-')).Select(l => l.Split(':')[0]));
    }

    [Fact]
    public void EntriesBeyondTheBooksTokenBudgetAreLeftOutLowestPriorityFirstAndTheRestKeepTheirInsertionOrder()
    {
        var (a, b, c) = ("ALPHA: " + Words(20), "BRAVO: " + Words(20), "CHARLIE: " + Words(20));
        var cost = PromptBuilder.CountTokens(a);
        var character = Batman() with
        {
            Card = CardFields.Empty with
            {
                Lorebook = Book(tokenBudget: 2 * cost + 1,
                    entries: [Entry("x", c, constant: true, order: 30, priority: 1), Entry("x", b, constant: true, order: 20, priority: 9), Entry("x", a, constant: true, order: 10, priority: 5)]),
            },
        };

        var system = Builder(3000).Build(character, [User("Hi")]).Messages[0].Text;

        Assert.True(system.IndexOf("ALPHA", StringComparison.Ordinal) is var alpha and >= 0 && alpha < system.IndexOf("BRAVO", StringComparison.Ordinal));
        Assert.DoesNotContain("CHARLIE", system);
    }

    [Fact]
    public void LorebookEntriesTakeTheirTokensFromTheHistoryBudget()
    {
        var history = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? User($"Question {i} about the night.") : Ai($"Answer {i} from the shadows.")).ToList();
        var entry = "LORE: " + Words(60);
        var withLore = Batman() with { Card = CardFields.Empty with { Lorebook = Book(Entry("x", entry, constant: true)) } };

        var plain = Builder(200).Build(Batman(), history).Messages.Count;
        var booked = Builder(200).Build(withLore, history);

        Assert.Contains("LORE:", booked.Messages[0].Text);
        var historyTokens = booked.Messages.Skip(1).Sum(m => PromptBuilder.CountTokens(m.Text));
        Assert.True(historyTokens + PromptBuilder.CountTokens(entry) <= 200, $"{historyTokens} + lore over 200");
        Assert.True(booked.Messages.Count < plain, $"{booked.Messages.Count} messages with lore, {plain} without");
    }

    private static string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(i => $"word{i}"));

    private static string Book(params JsonObject[] entries) => Book(entries, scanDepth: null, tokenBudget: null);

    private static string Book(JsonObject[] entries, int? scanDepth = null, int? tokenBudget = null)
    {
        var book = new JsonObject { ["entries"] = new JsonArray([.. entries]) };
        if (scanDepth is { } depth) book["scan_depth"] = depth;
        if (tokenBudget is { } budget) book["token_budget"] = budget;
        return book.ToJsonString();
    }

    private static JsonObject Entry(string key, string content, string? position = null, bool caseSensitive = false, bool selective = false,
        string[]? secondary = null, bool constant = false, bool enabled = true, int order = 1, int? priority = null)
    {
        var entry = new JsonObject
        {
            ["keys"] = new JsonArray(key), ["content"] = content, ["enabled"] = enabled, ["insertion_order"] = order, ["case_sensitive"] = caseSensitive,
            ["selective"] = selective, ["secondary_keys"] = new JsonArray([.. (secondary ?? []).Select(s => (JsonNode)s)]), ["constant"] = constant,
            ["extensions"] = new JsonObject(),
        };
        if (position is not null) entry["position"] = position;
        if (priority is not null) entry["priority"] = priority;
        return entry;
    }

    private static PromptBuilder Builder(int budget) => new(Options.Create(new LlmOptions { HistoryTokenBudget = budget }));
}
