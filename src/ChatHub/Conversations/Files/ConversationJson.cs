using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatHub.Contracts;

namespace ChatHub.Conversations.Files;

/// <summary>Our own export (<see cref="ConversationExport"/>): the whole tree out, and read back as a new conversation.</summary>
public static class ConversationJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ConversationExport Export(Conversation conversation, IReadOnlyList<StoredMessage> messages, ConversationCharacter? character)
    {
        var siblings = messages.GroupBy(m => m.ParentId ?? "").ToDictionary(g => g.Key, g => g.Select(m => m.Id).ToList());
        return new ConversationExport
        {
            Id = conversation.Id,
            CharacterId = conversation.CharacterId,
            Character = character,
            Title = conversation.Title,
            LeafId = conversation.LeafId,
            CreatedAt = conversation.CreatedAt,
            UpdatedAt = conversation.UpdatedAt,
            Messages = [.. messages.Select(m => m.ToDto(Place(siblings[m.ParentId ?? ""], m.Id)))],
        };
    }

    private static SiblingPlace Place(List<string> siblings, string id) => new(siblings.IndexOf(id), siblings.Count);

    public static byte[] Write(ConversationExport export) => JsonSerializer.SerializeToUtf8Bytes(export, Options);

    /// <summary>Is this our export (rather than a SillyTavern chat, whose lines hold no <c>messages</c>)?</summary>
    public static bool IsOurs(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("messages", out _) || Text(root, "format", null) == ConversationExport.FormatName);

    /// <summary>The tree as the file has it; ids are the file's only to link parents and the leaf, and are replaced.</summary>
    public static ImportedConversation Read(JsonElement root, ImportLimits limits, DateTimeOffset now)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            throw new ImportProblemException("messages must be an array of messages.");
        }
        var tree = new ImportedTree(limits);
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            var where = $"messages[{i}]";
            if (message.ValueKind != JsonValueKind.Object) throw new ImportProblemException($"{where} must be an object.");
            var id = Text(message, "id", where) ?? throw new ImportProblemException($"{where}.id is missing.");
            if (indexOf.ContainsKey(id)) throw new ImportProblemException($"{where}.id is the id of an earlier message.");
            int? parent = null;
            if (Text(message, "parentId", where) is { } parentId)
            {
                parent = indexOf.TryGetValue(parentId, out var p) ? p : throw new ImportProblemException($"{where}.parentId names no message before it.");
            }
            var sender = Text(message, "sender", where);
            if (sender is not (MessageValues.SenderUser or MessageValues.SenderAi)) throw new ImportProblemException($"{where}.sender must be \"user\" or \"ai\".");
            var text = Text(message, "message", where) ?? throw new ImportProblemException($"{where}.message is missing.");
            var status = Text(message, "status", where);
            if (status is not (null or MessageValues.StatusComplete or MessageValues.StatusStopped or MessageValues.StatusFailed))
            {
                throw new ImportProblemException($"{where}.status must be complete, stopped or failed.");
            }
            var edited = message.TryGetProperty("edited", out var e) && e.ValueKind == JsonValueKind.True;
            indexOf[id] = tree.Add(parent, sender, text, Time(message, where) ?? now, where, status, edited);
            i++;
        }
        var leaf = tree.Messages.Count - 1;
        if (Text(root, "leafId", null) is { } leafId && !indexOf.TryGetValue(leafId, out leaf))
        {
            throw new ImportProblemException("leafId names no message of the file.");
        }
        string? title = null;
        if (Text(root, "title", null) is { } named)
        {
            var (checkedTitle, refusal) = ConversationTitles.Check(named);
            title = checkedTitle ?? throw new ImportProblemException($"The file's {refusal}");
        }
        return tree.Build(Text(root, "characterId", null), title, Math.Max(leaf, 0));
    }

    /// <param name="where">The object's place in the file (<c>messages[3]</c>); null for the file itself.</param>
    private static string? Text(JsonElement element, string name, string? where) =>
        !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new ImportProblemException($"{(where is null ? "" : where + ".")}{name} must be text.");

    private static DateTimeOffset? Time(JsonElement message, string where) =>
        Text(message, "timestamp", where) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw new ImportProblemException($"{where}.timestamp is not a date and time.");
}
