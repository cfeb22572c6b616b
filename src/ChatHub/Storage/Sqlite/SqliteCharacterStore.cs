using System.Text.Json;
using ChatHub.Characters;
using ChatHub.Contracts;
using Microsoft.Data.Sqlite;

namespace ChatHub.Storage.Sqlite;

/// <summary>
/// The seed's nested <c>personality</c> and <c>ai_settings</c> objects, and the card's fields, are kept as JSON
/// columns. Text search goes through the FTS5 table <c>character_search</c>, written with the character.
/// </summary>
public sealed class SqliteCharacterStore(SqliteDatabase db) : ICharacterStore
{
    private const string Columns =
        "id, name, description, personality, ai_settings, created_at, updated_at, owner_id, visibility, hidden, deleted_at, conversations_started, card, avatar_etag";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    // A character without a model profile keeps the seed's two-field ai_settings.
    private static readonly JsonSerializerOptions AiJson = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The <c>card</c> column of a character with no card fields (no quote in it to escape in SQL).</summary>
    internal static readonly string EmptyCard = JsonSerializer.Serialize(CardFields.Empty, Json);

    private sealed record Personality(IReadOnlyList<string> traits, IReadOnlyList<string> knowledge_base);

    /// <param name="model_profile">Absent in rows written before model profiles (issue 17).</param>
    private sealed record AiSettings(double temperature, int max_tokens, string? model_profile = null);

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT EXISTS (SELECT 1 FROM characters)");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) == 1;
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
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.Command(
            $"""
            INSERT INTO characters ({Columns})
            VALUES ($id, $name, $description, $personality, $ai, $created, $updated, $owner, $visibility, $hidden, $deleted, $started, $card, $avatar)
            ON CONFLICT (id) DO NOTHING
            """,
            Parameters(character));
        command.Transaction = transaction;
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1) return false;
        await IndexAsync(connection, transaction, character, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> UpdateAsync(Character character, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.Command(
            """
            UPDATE characters SET name = $name, description = $description, personality = $personality, ai_settings = $ai,
                                  updated_at = $updated, visibility = $visibility, card = $card
            WHERE id = $id AND deleted_at IS NULL
            """,
            Parameters(character));
        command.Transaction = transaction;
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1) return false;
        await IndexAsync(connection, transaction, character, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> DeleteAsync(string id, DateTimeOffset at, CancellationToken cancellationToken) =>
        await db.ExecuteAsync("UPDATE characters SET deleted_at = $at WHERE id = $id AND deleted_at IS NULL", cancellationToken,
            ("$id", id), ("$at", at.ToMs())) == 1;

    public async Task<bool> SetHiddenAsync(string id, bool hidden, CancellationToken cancellationToken) =>
        await db.ExecuteAsync("UPDATE characters SET hidden = $hidden WHERE id = $id", cancellationToken, ("$id", id), ("$hidden", hidden)) == 1;

    public async Task<int> CountOwnedAsync(string ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT COUNT(*) FROM characters WHERE owner_id = $owner AND deleted_at IS NULL", ("$owner", ownerId));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    public Task CountConversationStartedAsync(string id, CancellationToken cancellationToken) =>
        db.ExecuteAsync("UPDATE characters SET conversations_started = conversations_started + 1 WHERE id = $id", cancellationToken, ("$id", id));

    public async Task<CataloguePage> SearchAsync(CatalogueQuery query, CancellationToken cancellationToken)
    {
        var key = query.Popular ? "conversations_started" : "created_at";
        // Each word is quoted as an FTS5 string ("" for a quote inside), so nothing typed is read as query syntax.
        var match = query.Words.Count == 0 ? null : string.Join(' ', query.Words.Select(w => $"\"{w.Replace("\"", "\"\"")}\""));
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"""
            SELECT {Columns} FROM characters c
            WHERE c.deleted_at IS NULL
              AND (c.owner_id = $viewer OR ($mine = 0 AND c.visibility = 'public' AND c.hidden = 0))
              AND ($tag IS NULL OR EXISTS (SELECT 1 FROM json_each(c.card, '$.tags') t WHERE t.value = $tag COLLATE NOCASE))
              AND ($match IS NULL OR c.id IN (SELECT id FROM character_search WHERE character_search MATCH $match))
              AND ($afterKey IS NULL OR c.{key} < $afterKey OR (c.{key} = $afterKey AND c.id < $afterId))
            ORDER BY c.{key} DESC, c.id DESC
            LIMIT $limit
            """,
            ("$viewer", query.ViewerId), ("$mine", query.MineOnly), ("$tag", query.Tag), ("$match", match),
            ("$afterKey", query.After?.Key), ("$afterId", query.After?.Id), ("$limit", query.Limit + 1));
        var found = await ReadAllAsync(command, cancellationToken);
        return CataloguePages.Of(found, query);
    }

    public async Task<bool> SetAvatarAsync(string id, Avatar avatar, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var character = connection.Command("UPDATE characters SET avatar_etag = $etag WHERE id = $id", ("$id", id), ("$etag", avatar.Etag));
        character.Transaction = transaction;
        if (await character.ExecuteNonQueryAsync(cancellationToken) != 1) return false;
        await using var image = connection.Command(
            "INSERT INTO character_avatars (character_id, png, etag) VALUES ($id, $png, $etag) ON CONFLICT (character_id) DO UPDATE SET png = $png, etag = $etag",
            ("$id", id), ("$png", avatar.Png), ("$etag", avatar.Etag));
        image.Transaction = transaction;
        await image.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<Avatar?> GetAvatarAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT png, etag FROM character_avatars WHERE character_id = $id", ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Avatar((byte[])reader.GetValue(0), reader.GetString(1)) : null;
    }

    public Task AddReportAsync(CharacterReport report, CancellationToken cancellationToken) =>
        db.ExecuteAsync(
            "INSERT INTO character_reports (id, character_id, reporter_id, reason, created_at) VALUES ($id, $character, $reporter, $reason, $created)",
            cancellationToken, ("$id", report.Id), ("$character", report.CharacterId), ("$reporter", report.ReporterId),
            ("$reason", report.Reason), ("$created", report.CreatedAt.ToMs()));

    public async Task<IReadOnlyList<CharacterReport>> ListReportsAsync(int limit, string? beforeId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        // Ids are ObjectIds, whose text order is their order of creation.
        await using var command = connection.Command(
            "SELECT id, character_id, reporter_id, reason, created_at FROM character_reports WHERE $before IS NULL OR id < $before ORDER BY id DESC LIMIT $limit",
            ("$before", beforeId), ("$limit", limit));
        var list = new List<CharacterReport>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new CharacterReport(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4)));
        }
        return list;
    }

    /// <summary>Makes the search table hold the character's words as they are now, in the write's transaction.</summary>
    private static async Task IndexAsync(SqliteConnection connection, SqliteTransaction transaction, Character c, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            """
            DELETE FROM character_search WHERE id = $id;
            INSERT INTO character_search (id, name, description, tags) VALUES ($id, $name, $description, $tags);
            """,
            ("$id", c.Id), ("$name", c.Name), ("$description", c.Description), ("$tags", string.Join(' ', c.Card.Tags)));
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static (string, object?)[] Parameters(Character c) =>
    [
        ("$id", c.Id), ("$name", c.Name), ("$description", c.Description),
        ("$personality", JsonSerializer.Serialize(new Personality(c.Traits, c.KnowledgeBase))),
        ("$ai", JsonSerializer.Serialize(new AiSettings(c.Temperature, c.MaxTokens, c.ModelProfile), AiJson)),
        ("$created", c.CreatedAt.ToMs()), ("$updated", c.UpdatedAt.ToMs()),
        ("$owner", c.OwnerId), ("$visibility", c.Visibility), ("$hidden", c.Hidden), ("$deleted", c.DeletedAt?.ToMs()),
        ("$started", c.ConversationsStarted), ("$card", JsonSerializer.Serialize(c.Card, Json)), ("$avatar", c.AvatarEtag),
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
                reader.GetTime(5), reader.GetTime(6))
            {
                OwnerId = reader.GetNullableString(7),
                Visibility = reader.GetString(8),
                Hidden = reader.GetBoolean(9),
                DeletedAt = reader.IsDBNull(10) ? null : reader.GetTime(10),
                ConversationsStarted = reader.GetInt64(11),
                Card = JsonSerializer.Deserialize<CardFields>(reader.GetString(12), Json)!,
                AvatarEtag = reader.GetNullableString(13),
                ModelProfile = ai.model_profile,
            });
        }
        return list;
    }
}
