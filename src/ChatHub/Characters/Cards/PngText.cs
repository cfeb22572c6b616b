using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ChatHub.Characters.Cards;

/// <summary>
/// Reads and writes a PNG's <c>tEXt</c> chunks, where character cards travel (keywords <c>chara</c> and
/// <c>ccv3</c>). Only the chunk structure is handled here; the image itself is SkiaSharp's business.
/// </summary>
public static class PngText
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(ReadOnlySpan<byte> file) => file.StartsWith(Signature);

    /// <summary>Every <c>tEXt</c> chunk as keyword and text (Latin-1); null when the chunk structure is broken.</summary>
    public static IReadOnlyList<(string Keyword, string Text)>? Read(ReadOnlySpan<byte> png)
    {
        if (!IsPng(png)) return null;
        var chunks = new List<(string, string)>();
        var at = Signature.Length;
        while (at + 12 <= png.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png[at..]);
            if (length > png.Length - at - 12) return null;
            var type = Encoding.ASCII.GetString(png.Slice(at + 4, 4));
            var data = png.Slice(at + 8, (int)length);
            if (type == "tEXt" && data.IndexOf((byte)0) is var nul and > 0)
            {
                chunks.Add((Encoding.Latin1.GetString(data[..nul]), Encoding.Latin1.GetString(data[(nul + 1)..])));
            }
            at += 12 + (int)length;
            if (type == "IEND") return chunks;
        }
        return null;
    }

    /// <summary>The PNG with the chunks added just before its <c>IEND</c> (a PNG made by SkiaSharp: well formed).</summary>
    public static byte[] Write(byte[] png, IEnumerable<(string Keyword, string Text)> texts)
    {
        var iend = png.Length - 12;
        using var output = new MemoryStream();
        output.Write(png, 0, iend);
        Span<byte> header = stackalloc byte[8];
        foreach (var (keyword, text) in texts)
        {
            var data = Encoding.Latin1.GetBytes($"{keyword}\0{text}");
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)data.Length);
            Encoding.ASCII.GetBytes("tEXt", header[4..]);
            var crc = new Crc32();
            crc.Append(header[4..]);
            crc.Append(data);
            output.Write(header);
            output.Write(data);
            BinaryPrimitives.WriteUInt32BigEndian(header, crc.GetCurrentHashAsUInt32());
            output.Write(header[..4]);
        }
        output.Write(png, iend, 12);
        return output.ToArray();
    }
}
