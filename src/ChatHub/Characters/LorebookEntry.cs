using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatHub.Characters;

/// <summary>One entry of a <see cref="Lorebook"/>, as the prompt reads it.</summary>
/// <param name="Priority">Which entries stay when the budget is short: the higher; the card's <c>priority</c>, else its insertion order.</param>
public sealed record LorebookEntry(
    IReadOnlyList<string> Keys,
    string Content,
    bool Enabled,
    int InsertionOrder,
    bool CaseSensitive,
    bool Selective,
    IReadOnlyList<string> SecondaryKeys,
    bool Constant,
    string Position,
    int Priority)
{
    internal static (LorebookEntry? Entry, string? Problem) Read(JsonObject entry)
    {
        if (Texts(entry, "keys") is not { } keys) return (null, "keys must be a list of text.");
        if (Texts(entry, "secondary_keys") is not { } secondary) return (null, "secondary_keys must be a list of text.");
        if (Text(entry, "content") is not { } content) return (null, "content must be text.");
        if (Text(entry, "position") is not { } position || position is not ("" or Lorebook.BeforeChar or Lorebook.AfterChar))
        {
            return (null, $"position must be {Lorebook.BeforeChar} or {Lorebook.AfterChar}.");
        }
        if (Flag(entry, "enabled", true) is not { } enabled || Flag(entry, "case_sensitive", false) is not { } caseSensitive
            || Flag(entry, "selective", false) is not { } selective || Flag(entry, "constant", false) is not { } constant)
        {
            return (null, "enabled, case_sensitive, selective and constant must be true or false.");
        }
        var order = Lorebook.Int(entry, "insertion_order") ?? 0;
        return (new LorebookEntry(keys, content, enabled, order, caseSensitive, selective, secondary, constant,
            position is "" ? Lorebook.AfterChar : position, Lorebook.Int(entry, "priority") ?? order), null);
    }

    private static string? Text(JsonObject node, string name) => node[name] switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => "",
        _ => null,
    };

    private static bool? Flag(JsonObject node, string name, bool missing) => node[name] switch
    {
        null => missing,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => missing,
        _ => null,
    };

    private static IReadOnlyList<string>? Texts(JsonObject node, string name)
    {
        if (node[name] is null) return [];
        if (node[name] is not JsonArray items) return null;
        var texts = new List<string>(items.Count);
        foreach (var item in items)
        {
            if (item is not JsonValue v || v.GetValueKind() != JsonValueKind.String) return null;
            texts.Add(v.GetValue<string>());
        }
        return texts;
    }
}
