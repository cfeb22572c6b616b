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
        if ((await store.ListAsync(cancellationToken)).Count > 0) return;
        var now = clock.UtcNowMs();
        foreach (var character in BuiltIn(now))
        {
            if (await store.TryCreateAsync(character, cancellationToken)) Log.CharacterSeeded(logger, character.Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static IReadOnlyList<Character> BuiltIn(DateTimeOffset now) =>
    [
        new("6740a1000000000000000001", "Sherlock Holmes",
            "The consulting detective of 221B Baker Street, who sees what others merely look at.",
            ["observant", "analytical", "impatient with the obvious", "dryly witty"],
            ["deduction", "forensic science", "Victorian London", "chemistry", "criminal history"],
            0.6, 500, now, now),
        new("6740a1000000000000000002", "Ada the Tutor",
            "A patient tutor in mathematics and programming who teaches with questions and small steps.",
            ["patient", "encouraging", "precise", "curious"],
            ["mathematics", "programming", "algorithms", "study techniques"],
            0.3, 700, now, now),
        new("6740a1000000000000000003", "Grimble the Game Master",
            "A theatrical game master who spins fantasy adventures around whatever the player does.",
            ["theatrical", "playful", "fair", "imaginative"],
            ["fantasy worlds", "tabletop role-playing", "dungeon crawling", "folklore"],
            0.9, 600, now, now),
    ];
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Seeded the built-in character {Name}")]
    public static partial void CharacterSeeded(ILogger logger, string name);
}

public static class CharactersExtensions
{
    public static WebApplicationBuilder AddCharacters(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<CharacterSeeder>();
        builder.Services.AddSingleton<CharacterCache>();
        return builder;
    }
}
