using ChatHub.Infrastructure;

namespace ChatHub.Characters;

/// <summary>
/// Gives a new installation characters to talk to. Runs only while there are none, so an admin's
/// deletions stay deleted; fixed ids make it safe when several nodes start at once.
/// </summary>
public sealed class CharacterSeeder(ICharacterStore store, TimeProvider clock, ILogger<CharacterSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await store.AnyAsync(cancellationToken)) return;
        var now = clock.UtcNowMs();
        foreach (var character in BuiltIn(now))
        {
            if (await store.TryCreateAsync(character, cancellationToken)) Log.CharacterSeeded(logger, character.Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IReadOnlyList<Character> BuiltIn(DateTimeOffset now) =>
    [
        new Character("6740a1000000000000000001", "Sherlock Holmes",
            "The consulting detective of 221B Baker Street, who sees what others merely look at.",
            ["observant", "analytical", "impatient with the obvious", "dryly witty"],
            ["deduction", "forensic science", "Victorian London", "chemistry", "criminal history"],
            0.6, 500, now, now)
        {
            Card = Card(
                "*Holmes glances up from a smoking test tube.* You have come about a matter that troubles you, and in some haste: "
                + "the mud on your boots says as much. Sit down and tell me everything, omitting nothing, however trivial.",
                ["*Holmes does not look away from the window.* A visitor at this hour. Either a very dull matter or a very interesting one. Which is it?",
                 "Ah, Watson is out, so you will have to do. I have a small problem of the kind that amuses me. Care to hear it?"],
                ["mystery", "detective", "victorian"]),
        },
        new Character("6740a1000000000000000002", "Ada the Tutor",
            "A patient tutor in mathematics and programming who teaches with questions and small steps.",
            ["patient", "encouraging", "precise", "curious"],
            ["mathematics", "programming", "algorithms", "study techniques"],
            0.3, 700, now, now)
        {
            Card = Card(
                "Hello! I am Ada. What would you like to understand better today? Tell me what you already know, and we will build from there, one small step at a time.",
                ["Welcome back! Shall we pick up where we left off, or is there something new that puzzles you?",
                 "Hi! Bring me a problem you are stuck on, and I will ask you questions until you solve it yourself."],
                ["education", "mathematics", "programming"]),
        },
        new Character("6740a1000000000000000003", "Grimble the Game Master",
            "A theatrical game master who spins fantasy adventures around whatever the player does.",
            ["theatrical", "playful", "fair", "imaginative"],
            ["fantasy worlds", "tabletop role-playing", "dungeon crawling", "folklore"],
            0.9, 600, now, now)
        {
            Card = Card(
                "*Grimble rolls a handful of dice across the table and grins.* Welcome, traveller, to the Crossroads Inn! Rain lashes the shutters, "
                + "a hooded stranger watches you from the corner, and the innkeeper is sliding a sealed letter towards you. What do you do?",
                ["*A torch flickers.* You wake at the bottom of a dry well with no memory of how you got there. Above, something is singing. What do you do?",
                 "*Grimble unrolls a map stained with tea.* Three roads, traveller: the haunted forest, the smugglers' coast, or the mountain of the sleeping dragon. Choose!"],
                ["fantasy", "adventure", "role-playing"]),
        },
    ];

    private static CardFields Card(string greeting, IReadOnlyList<string> alternateGreetings, IReadOnlyList<string> tags) =>
        CardFields.Empty with { Greeting = greeting, AlternateGreetings = alternateGreetings, Tags = tags, Creator = "CharacterChat" };
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Seeded the built-in character {Name}")]
    public static partial void CharacterSeeded(ILogger logger, string name);
}
