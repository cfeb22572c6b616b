using System.Text.Json;
using System.Text.Json.Serialization;
using ChatHub.Conversations;

namespace ChatHub.Storage.Sqlite;

/// <summary>A conversation's rolling summary in the <c>conversations.memory</c> column: JSON with the field names of MongoDB's <c>memory</c> subdocument.</summary>
internal static class SqliteMemoryColumn
{
    private sealed record Json(
        [property: JsonPropertyName("summary")] string Summary,
        [property: JsonPropertyName("through_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ThroughId,
        [property: JsonPropertyName("enabled")] bool Enabled,
        [property: JsonPropertyName("updated_at")] long UpdatedAt);

    public static string? Write(ConversationMemory memory) => memory == ConversationMemory.None
        ? null
        : JsonSerializer.Serialize(new Json(memory.Summary, memory.ThroughId, memory.Enabled, memory.UpdatedAt.ToUnixTimeMilliseconds()));

    public static ConversationMemory Read(string? column) =>
        column is null || JsonSerializer.Deserialize<Json>(column) is not { } json
            ? ConversationMemory.None
            : new ConversationMemory(json.Summary, json.ThroughId, json.Enabled, DateTimeOffset.FromUnixTimeMilliseconds(json.UpdatedAt));
}
