using System.Text.Json;
using ChatHub.Characters;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

/// <summary>The seed's nested <c>personality</c> and <c>ai_settings</c> objects are kept as JSON columns.</summary>
public sealed class SqliteCharacterStore(SqliteDatabase db) : ICharacterStore
{
    private const string Columns = "id, name, description, personality, ai_settings, created_at, updated_at";

    private sealed record Personality(IReadOnlyList<string> traits, IReadOnlyList<string> knowledge_base);

    private sealed record AiSettings(double temperature, int max_tokens);

    public async Task<IReadOnlyList<Character>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM characters ORDER BY name, id");
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<Character?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM characters WHERE id = $id", ("$id", id));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<bool> TryCreateAsync(Character character, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"INSERT INTO characters ({Columns}) VALUES ($id, $name, $description, $personality, $ai, $created, $updated) ON CONFLICT (id) DO NOTHING",
            Parameters(character));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> UpdateAsync(Character character, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE characters SET name = $name, description = $description, personality = $personality, ai_settings = $ai, updated_at = $updated WHERE id = $id",
            Parameters(character));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM characters WHERE id = $id", ("$id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static (string, object?)[] Parameters(Character c) =>
    [
        ("$id", c.Id), ("$name", c.Name), ("$description", c.Description),
        ("$personality", JsonSerializer.Serialize(new Personality(c.Traits, c.KnowledgeBase))),
        ("$ai", JsonSerializer.Serialize(new AiSettings(c.Temperature, c.MaxTokens))),
        ("$created", c.CreatedAt.ToMs()), ("$updated", c.UpdatedAt.ToMs()),
    ];

    private static async Task<IReadOnlyList<Character>> ReadAllAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var list = new List<Character>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var personality = JsonSerializer.Deserialize<Personality>(reader.GetString(3))!;
            var ai = JsonSerializer.Deserialize<AiSettings>(reader.GetString(4))!;
            list.Add(new Character(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                personality.traits, personality.knowledge_base, ai.temperature, ai.max_tokens,
                reader.GetTime(5), reader.GetTime(6)));
        }
        return list;
    }
}
