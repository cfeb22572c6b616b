using System.Text.Json;
using System.Text.Json.Serialization;
using ChatHub.Usage;

namespace ChatHub.Storage.Sqlite;

/// <summary>A reply's usage in the <c>messages.usage</c> column: JSON with the field names of MongoDB's <c>usage</c> subdocument.</summary>
internal static class SqliteUsageColumn
{
    private sealed record Json(
        [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
        [property: JsonPropertyName("completion_tokens")] int CompletionTokens,
        [property: JsonPropertyName("model")] string Model,
        [property: JsonPropertyName("time_to_first_token_ms"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TimeToFirstTokenMs);

    public static string? Write(ReplyUsage? usage) =>
        usage is null ? null : JsonSerializer.Serialize(new Json(usage.PromptTokens, usage.CompletionTokens, usage.Model, usage.TimeToFirstTokenMs));

    public static ReplyUsage? Read(string? column) =>
        column is null || JsonSerializer.Deserialize<Json>(column) is not { } json
            ? null
            : new ReplyUsage(json.PromptTokens, json.CompletionTokens, json.Model, json.TimeToFirstTokenMs);
}
