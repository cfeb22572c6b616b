using System.Globalization;
using System.Text.Json;
using ChatHub.Contracts;

namespace ChatHub.Conversations.Files;

/// <summary>
/// A SillyTavern chat file (<c>.jsonl</c>): a header line (<c>user_name</c>, <c>character_name</c>, <c>chat_metadata</c>), then one
/// message a line (<c>name</c>, <c>is_user</c>, <c>mes</c>, <c>send_date</c>, <c>swipes</c>, <c>swipe_id</c>). A message's swipes
/// become alternatives (siblings) and <c>swipe_id</c> the one the branch goes on from; its <c>mes</c> is that swipe's text.
/// System notes (<c>is_system</c>) are not part of the chat and are left out. The file names a character only by name, so it
/// imports into the character the request names.
/// </summary>
public static class SillyTavernChat
{
    private static readonly string[] OldDateFormats = ["MMMM d, yyyy h:mmtt", "MMMM d, yyyy h:mm tt", "MMMM d, yyyy h:mm:sstt"];

    /// <summary>Is this line a SillyTavern header or message?</summary>
    public static bool IsOurs(JsonElement line) =>
        line.ValueKind == JsonValueKind.Object &&
        (line.TryGetProperty("mes", out _) || line.TryGetProperty("user_name", out _) || line.TryGetProperty("character_name", out _));

    public static ImportedConversation Read(string file, ImportLimits limits, DateTimeOffset now)
    {
        var tree = new ImportedTree(limits);
        int? branch = null;
        var at = now;
        var number = 0;
        var first = true;
        foreach (var text in file.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var header = first;
            first = false;
            var where = $"Line {number}";
            using var document = Parse(text, where);
            var line = document.RootElement;
            if (line.ValueKind != JsonValueKind.Object) throw new ImportProblemException($"{where} is not a JSON object.");
            if (!line.TryGetProperty("mes", out var mes))
            {
                if (header) continue;
                throw new ImportProblemException($"{where} has no mes (the message's text).");
            }
            if (mes.ValueKind != JsonValueKind.String) throw new ImportProblemException($"{where}: mes must be text.");
            if (Flag(line, "is_system", where)) continue;
            var sender = Flag(line, "is_user", where) ? MessageValues.SenderUser : MessageValues.SenderAi;
            at = Time(line) ?? at;
            var swipes = Swipes(line, where);
            var chosen = SwipeId(line, swipes.Count, where);
            int? active = null;
            for (var i = 0; i < Math.Max(1, swipes.Count); i++)
            {
                var index = tree.Add(branch, sender, i == chosen ? mes.GetString()! : swipes[i], at, where);
                if (i == chosen) active = index;
            }
            branch = active;
        }
        return tree.Build(characterId: null, title: null, branch ?? 0);
    }

    private static JsonDocument Parse(string line, string where)
    {
        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            throw new ImportProblemException($"{where} is not valid JSON.");
        }
    }

    private static bool Flag(JsonElement line, string name, string where) =>
        !line.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? false
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new ImportProblemException($"{where}: {name} must be true or false.");

    private static List<string> Swipes(JsonElement line, string where)
    {
        if (!line.TryGetProperty("swipes", out var swipes) || swipes.ValueKind == JsonValueKind.Null) return [];
        if (swipes.ValueKind != JsonValueKind.Array || swipes.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
        {
            throw new ImportProblemException($"{where}: swipes must be a list of texts.");
        }
        return [.. swipes.EnumerateArray().Select(s => s.GetString()!)];
    }

    /// <summary>The swipe the branch goes on from: <c>swipe_id</c>, or the first. Without swipes, the message itself (0).</summary>
    private static int SwipeId(JsonElement line, int swipes, string where)
    {
        if (!line.TryGetProperty("swipe_id", out var value) || value.ValueKind == JsonValueKind.Null) return 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var id)) throw new ImportProblemException($"{where}: swipe_id must be a whole number.");
        if (swipes == 0 && id == 0) return 0;
        return id >= 0 && id < swipes ? id : throw new ImportProblemException($"{where}: swipe_id {id} is not one of its {swipes} swipes.");
    }

    /// <summary><c>send_date</c> as SillyTavern has written it over the years: ISO 8601, Unix milliseconds, or "May 14, 2024 7:20pm". Null when unreadable: the message takes the time of the one before.</summary>
    private static DateTimeOffset? Time(JsonElement line)
    {
        if (!line.TryGetProperty("send_date", out var value)) return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var ms) && ms is > 0 and < 253_402_300_800_000) return DateTimeOffset.FromUnixTimeMilliseconds(ms);
        if (value.ValueKind != JsonValueKind.String) return null;
        var text = value.GetString()!;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            || DateTimeOffset.TryParseExact(text, OldDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out at)
            ? at
            : null;
    }
}
