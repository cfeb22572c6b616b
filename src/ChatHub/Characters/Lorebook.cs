using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatHub.Characters;

/// <summary>
/// What the prompt reads of a card's <c>character_book</c>. The book itself stays stored as its JSON
/// text (<see cref="CardFields.Lorebook"/>), so fields read here and fields nobody reads all survive.
/// Missing fields take the card spec's (and SillyTavern's) defaults; a field of the wrong type is an error.
/// </summary>
public sealed record Lorebook(int ScanDepth, int? TokenBudget, IReadOnlyList<LorebookEntry> Entries)
{
    public const int MaxEntries = 1000;
    public const int DefaultScanDepth = 2;
    public const string BeforeChar = "before_char";
    public const string AfterChar = "after_char";

    /// <summary>The book, or what is wrong with it in words for its author.</summary>
    public static (Lorebook? Book, string? Problem) Read(JsonObject book)
    {
        try
        {
            if (book["entries"] is not JsonArray entries) return (null, "The lorebook must have a list of entries.");
            if (entries.Count > MaxEntries) return (null, $"A lorebook may have at most {MaxEntries} entries.");
            var read = new List<LorebookEntry>(entries.Count);
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i] is not JsonObject entry) return (null, $"Lorebook entry {i + 1} is not an object.");
                var (value, problem) = LorebookEntry.Read(entry);
                if (problem is not null) return (null, $"Lorebook entry {i + 1}: {problem}");
                read.Add(value!);
            }
            var depth = Int(book, "scan_depth") ?? DefaultScanDepth;
            var budget = Int(book, "token_budget");
            if (depth is < 0 or > 1000) return (null, "The lorebook's scan_depth must be between 0 and 1000.");
            if (budget is < 0) return (null, "The lorebook's token_budget may not be negative.");
            return (new Lorebook(depth, budget, read), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or JsonException)
        {
            return (null, "The lorebook has a field of the wrong type (scan_depth and token_budget are whole numbers).");
        }
    }

    /// <summary>The stored book; null when there is none (a stored book was checked when it was written).</summary>
    public static Lorebook? Of(CardFields card) =>
        card.Lorebook is { } text && JsonNode.Parse(text) is JsonObject book ? Read(book).Book : null;

    internal static int? Int(JsonObject node, string name) => node[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v => (int)Math.Clamp(v.GetValue<double>(), int.MinValue, int.MaxValue),
        _ => throw new FormatException(name),
    };
}
