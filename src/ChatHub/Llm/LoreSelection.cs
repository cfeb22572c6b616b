using ChatHub.Characters;
using ChatHub.Conversations;

namespace ChatHub.Llm;

/// <summary>
/// Which lorebook entries go into a prompt: enabled ones that are constant or whose keys appear in the last
/// <see cref="Lorebook.ScanDepth"/> messages (a selective entry also needs one of its secondary keys), as many
/// as fit the budget, the higher priority first, then in insertion order.
/// </summary>
internal static class LoreSelection
{
    /// <param name="budget">The tokens they may take: the smaller of the book's <c>token_budget</c> and what the prompt has left.</param>
    public static IReadOnlyList<LorebookEntry> Select(Lorebook book, IReadOnlyList<StoredMessage> history, int budget, Func<string, int> countTokens)
    {
        var scanned = string.Join('\n', history.TakeLast(book.ScanDepth).Select(m => m.Text));
        var triggered = book.Entries
            .Where(e => e.Enabled && e.Content.Trim().Length > 0 && (e.Constant || Triggered(e, scanned)))
            .OrderByDescending(e => e.Priority)
            .ThenBy(e => e.InsertionOrder);
        var limit = Math.Min(budget, book.TokenBudget ?? int.MaxValue);
        var kept = new List<LorebookEntry>();
        var used = 0;
        foreach (var entry in triggered)
        {
            var cost = countTokens(entry.Content);
            if (used + cost > limit) continue;
            kept.Add(entry);
            used += cost;
        }
        return [.. kept.OrderBy(e => e.InsertionOrder)];
    }

    private static bool Triggered(LorebookEntry entry, string scanned)
    {
        var comparison = entry.CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        bool AnyIn(IReadOnlyList<string> keys) => keys.Any(k => k.Trim().Length > 0 && scanned.Contains(k.Trim(), comparison));
        return AnyIn(entry.Keys) && (!entry.Selective || entry.SecondaryKeys.Count == 0 || AnyIn(entry.SecondaryKeys));
    }
}
