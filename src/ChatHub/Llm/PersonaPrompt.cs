using System.Text;
using ChatHub.Characters;

namespace ChatHub.Llm;

/// <summary>
/// The system prompt that puts a model in character. Writing and reading live together because the
/// simulated model reads back what <see cref="PromptBuilder"/> wrote: one line per part, so a name,
/// a description or a knowledge item may contain any punctuation.
/// </summary>
internal static class PersonaPrompt
{
    private const string NamePrefix = "You are ";
    private const string TraitsPrefix = "Your traits: ";
    private const string KnowledgePrefix = "You know about: ";
    private const string ListSeparator = "; ";

    /// <summary>The default system prompt's first line, which names the character.</summary>
    public static string Opening(Character character) => $"{NamePrefix}{OneLine(character.Name)}.";

    /// <summary>The description, then the personality (traits, knowledge): a line each.</summary>
    public static string Character(Character character)
    {
        var prompt = new StringBuilder();
        if (character.Description.Trim() is { Length: > 0 } description)
        {
            prompt.Append(description);
        }
        AppendList(prompt, TraitsPrefix, character.Traits);
        AppendList(prompt, KnowledgePrefix, character.KnowledgeBase);
        return prompt.ToString().TrimStart('\n');
    }

    public static string Closing(Character character) =>
        $"Stay in character: answer as {OneLine(character.Name)} would, in their voice, and never say you are an AI model.";

    /// <summary>The persona in a system prompt written by <see cref="CardPrompt"/>; an empty one for any other text.</summary>
    public static Persona Read(string systemPrompt)
    {
        var lines = systemPrompt.Split('\n');
        // Only the first line names the character: a description may itself start with "You are".
        var name = lines[0].StartsWith(NamePrefix, StringComparison.Ordinal) ? WithoutFinalDot(lines[0][NamePrefix.Length..]) : "";
        return new Persona(name, ReadList(lines, TraitsPrefix), ReadList(lines, KnowledgePrefix));
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static string WithoutFinalDot(string text) => text.EndsWith('.') ? text[..^1] : text;

    private static void AppendList(StringBuilder prompt, string prefix, IReadOnlyList<string> items)
    {
        var cleaned = items.Select(OneLine).Where(i => i.Length > 0).ToList();
        if (cleaned.Count > 0)
        {
            prompt.Append('\n').Append(prefix).AppendJoin(ListSeparator, cleaned).Append('.');
        }
    }

    private static string[] ReadList(string[] lines, string prefix) =>
        lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line
            ? WithoutFinalDot(line[prefix.Length..]).Split(ListSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
}

internal sealed record Persona(string Name, IReadOnlyList<string> Traits, IReadOnlyList<string> Knowledge);
