using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatHub.Characters.Cards;

/// <summary>
/// Finds the card in an uploaded file: a PNG's <c>ccv3</c> chunk (else its <c>chara</c> chunk), a JSON card,
/// or a <c>.charx</c> (a zip with <c>card.json</c>, and perhaps its icon). Limits keep a hostile file from
/// costing more than its size: zip entries are read up to a bound, whatever their headers say.
/// </summary>
public static class CardFiles
{
    public const int MaxFileBytes = 5 * 1024 * 1024;
    public const int MaxImageBytes = 2 * 1024 * 1024;
    public const int MaxZipEntries = 1000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static (ImportedCard? Card, string? Problem) Read(byte[] file)
    {
        if (PngText.IsPng(file)) return ReadPng(file);
        if (file.AsSpan().StartsWith("PK\x03\x04"u8)) return ReadCharx(file);
        if (Text(file) is { } json && json.TrimStart().StartsWith('{')) return CardReader.Read(json, image: null);
        return (null, "The file must be a PNG card, a JSON card or a .charx file.");
    }

    private static (ImportedCard?, string?) ReadPng(byte[] file)
    {
        if (PngText.Read(file) is not { } chunks) return (null, "The PNG is damaged: its chunks do not add up.");
        var text = chunks.FirstOrDefault(c => c.Keyword == CardFormat.PngKeywordV3).Text
            ?? chunks.FirstOrDefault(c => c.Keyword == CardFormat.PngKeywordV2).Text;
        if (text is null) return (null, "The PNG carries no character card (no ccv3 or chara text chunk).");
        string json;
        try
        {
            json = StrictUtf8.GetString(Convert.FromBase64String(text));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return (null, "The card in the PNG is not base64-encoded UTF-8 text.");
        }
        return CardReader.Read(json, file);
    }

    private static (ImportedCard?, string?) ReadCharx(byte[] file)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(file, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxZipEntries) return (null, $"The .charx has more than {MaxZipEntries} files.");
            if (zip.GetEntry("card.json") is not { } entry) return (null, "The .charx has no card.json.");
            if (Bounded(entry, MaxFileBytes) is not { } bytes) return (null, "The .charx's card.json is larger than 5 MB once unpacked.");
            if (Text(bytes) is not { } json) return (null, "The .charx's card.json is not UTF-8 text.");
            var (card, problem) = CardReader.Read(json, image: null);
            if (card is null) return (null, problem);
            if (Icon(zip, json) is { } icon)
            {
                if (Bounded(icon, MaxImageBytes) is not { } image) return (null, "The .charx's icon is larger than 2 MB once unpacked.");
                card = card with { Image = image };
            }
            return (card, null);
        }
        catch (InvalidDataException)
        {
            return (null, "The .charx is not a readable zip file.");
        }
    }

    /// <summary>The zip entry the card's <c>assets</c> name as its main icon (<c>embeded://path</c>, as the spec spells it).</summary>
    private static ZipArchiveEntry? Icon(ZipArchive zip, string json)
    {
        var assets = (JsonNode.Parse(json)?["data"] as JsonObject)?["assets"] as JsonArray;
        foreach (var asset in assets?.OfType<JsonObject>() ?? [])
        {
            if (asset["type"]?.GetValueKind() != System.Text.Json.JsonValueKind.String || asset["uri"]?.GetValueKind() != System.Text.Json.JsonValueKind.String) continue;
            var uri = asset["uri"]!.GetValue<string>();
            if (asset["type"]!.GetValue<string>() != "icon") continue;
            foreach (var scheme in new[] { "embeded://", "embedded://" })
            {
                if (uri.StartsWith(scheme, StringComparison.Ordinal) && zip.GetEntry(uri[scheme.Length..]) is { } entry) return entry;
            }
        }
        return null;
    }

    /// <summary>The entry's bytes, or null when it unpacks to more than <paramref name="limit"/>, whatever its header claims.</summary>
    private static byte[]? Bounded(ZipArchiveEntry entry, int limit)
    {
        if (entry.Length > limit) return null;
        using var stream = entry.Open();
        var buffer = new byte[limit + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
        return read > limit ? null : buffer[..read];
    }

    private static string? Text(byte[] bytes)
    {
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
