using System.Text.Json;

namespace ChatHub.Tests.Llm;

/// <summary>A chat-completions request as <see cref="FakeOpenAiServer"/> received it.</summary>
/// <param name="Body">The JSON body, exactly as sent.</param>
public sealed record FakeRequest(JsonElement Body, string? Authorization)
{
    public string? Model => String("model");

    public double? Temperature => Body.TryGetProperty("temperature", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null;

    /// <summary>The reply length limit: the OpenAI client sends <c>max_completion_tokens</c>.</summary>
    public int? MaxCompletionTokens => Body.TryGetProperty("max_completion_tokens", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetInt32() : null;

    /// <summary>Whether the client asked for the usage chunk at the end of the stream (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage =>
        Body.TryGetProperty("stream_options", out var o) && o.TryGetProperty("include_usage", out var u) && u.ValueKind == JsonValueKind.True;

    /// <summary>Role and text of each message; content sent as parts is joined.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        [.. Body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString() ?? "", ContentText(m.GetProperty("content"))))];

    private string? String(string name) => Body.TryGetProperty(name, out var v) ? v.GetString() : null;

    private static string ContentText(JsonElement content) => content.ValueKind == JsonValueKind.Array
        ? string.Concat(content.EnumerateArray().Select(part => part.TryGetProperty("text", out var text) ? text.GetString() : ""))
        : content.GetString() ?? "";
}
