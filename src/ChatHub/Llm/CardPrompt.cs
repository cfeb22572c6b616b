using ChatHub.Characters;

namespace ChatHub.Llm;

/// <summary>
/// The system prompt of a character card, in the card spec's order: the character's system prompt (else the
/// default, which <see cref="PersonaPrompt"/> writes and the simulated model reads), lorebook entries placed
/// before the character, description, personality, scenario, the user's persona, lorebook entries placed after
/// the character, example dialogue. Creator notes, creator and version are for people and never sent.
/// </summary>
internal static class CardPrompt
{
    public static string Write(Character character, UserPersona user, IReadOnlyList<LorebookEntry> lore)
    {
        var card = character.Card;
        var parts = new List<string>();
        // {{original}} in a card's system prompt stands for the prompt it replaces.
        var main = card.SystemPrompt.Trim().Length > 0 ? card.SystemPrompt.Replace("{{original}}", PersonaPrompt.Opening(character), StringComparison.OrdinalIgnoreCase) : PersonaPrompt.Opening(character);
        parts.Add(main);
        parts.AddRange(lore.Where(e => e.Position == Lorebook.BeforeChar).Select(e => e.Content));
        parts.Add(PersonaPrompt.Character(character));
        if (card.Scenario.Trim().Length > 0) parts.Add($"Scenario: {card.Scenario.Trim()}");
        if (user.Persona.Trim().Length > 0) parts.Add($"About {{{{user}}}}, who you are talking with: {user.Persona.Trim()}");
        parts.AddRange(lore.Where(e => e.Position != Lorebook.BeforeChar).Select(e => e.Content));
        if (card.ExampleDialogue.Trim().Length > 0) parts.Add($"Example dialogue, for {{{{char}}}}'s voice:\n{card.ExampleDialogue.Trim()}");
        if (card.SystemPrompt.Trim().Length == 0) parts.Add(PersonaPrompt.Closing(character));
        return Macros(string.Join("\n", parts.Where(p => p.Trim().Length > 0)), character, user);
    }

    /// <summary>The greeting, then its alternatives, each with its macros replaced; blank ones left out. A conversation opens with them.</summary>
    public static IReadOnlyList<string> Greetings(Character character, UserPersona user) =>
        [.. new[] { character.Card.Greeting }.Concat(character.Card.AlternateGreetings).Where(g => g.Trim().Length > 0).Select(g => Macros(g.Trim(), character, user))];

    /// <summary>The card's macros: <c>{{char}}</c> and <c>{{user}}</c> (and V1's <c>&lt;BOT&gt;</c>, <c>&lt;USER&gt;</c>), in any case.</summary>
    public static string Macros(string text, Character character, UserPersona user) =>
        text.Replace("{{original}}", "", StringComparison.OrdinalIgnoreCase)
            .Replace("{{char}}", character.Name, StringComparison.OrdinalIgnoreCase)
            .Replace("<BOT>", character.Name, StringComparison.OrdinalIgnoreCase)
            .Replace("{{user}}", user.Name, StringComparison.OrdinalIgnoreCase)
            .Replace("<USER>", user.Name, StringComparison.OrdinalIgnoreCase);
}
