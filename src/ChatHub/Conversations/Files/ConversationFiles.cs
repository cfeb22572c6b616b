using System.Text;
using System.Text.Json;

namespace ChatHub.Conversations.Files;

/// <summary>Reads an imported file, whichever format it is in: our JSON export, or a SillyTavern chat (<c>.jsonl</c>).</summary>
public static class ConversationFiles
{
    private static readonly JsonDocumentOptions Strict = new() { MaxDepth = 32 };

    /// <returns>The conversation, or what is wrong with the file.</returns>
    public static (ImportedConversation? Conversation, string? Problem) Read(byte[] file, ImportLimits limits, DateTimeOffset now)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file).TrimStart('\uFEFF');
            return (ReadText(text, limits, now), null);
        }
        catch (DecoderFallbackException)
        {
            return (null, "The file is not UTF-8 text.");
        }
        catch (ImportProblemException ex)
        {
            return (null, ex.Message);
        }
    }

    private static ImportedConversation ReadText(string text, ImportLimits limits, DateTimeOffset now)
    {
        JsonDocument whole;
        try
        {
            whole = JsonDocument.Parse(text, Strict);
        }
        catch (JsonException ex)
        {
            // Not one JSON document: a SillyTavern chat if its first line is one of its lines, else broken JSON.
            if (FirstLineIsSillyTavern(text)) return SillyTavernChat.Read(text, limits, now);
            throw new ImportProblemException($"The file is neither JSON nor a SillyTavern chat: it stops being valid JSON at line {ex.LineNumber + 1}.");
        }
        using (whole)
        {
            if (ConversationJson.IsOurs(whole.RootElement)) return ConversationJson.Read(whole.RootElement, limits, now);
            if (SillyTavernChat.IsOurs(whole.RootElement)) return SillyTavernChat.Read(text, limits, now);
        }
        throw new ImportProblemException("The file is neither a conversation exported from here (JSON with messages) nor a SillyTavern chat (.jsonl).");
    }

    private static bool FirstLineIsSillyTavern(string text)
    {
        var end = text.IndexOf('\n');
        try
        {
            using var first = JsonDocument.Parse(end < 0 ? text : text[..end], Strict);
            return SillyTavernChat.IsOurs(first.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
