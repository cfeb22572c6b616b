using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using SkiaSharp;

namespace ChatHub.Tests.Cards;

/// <summary>
/// Images and PNG chunks made for the tests, with chunk code of their own (not the service's), so a
/// fault in the service's reader or writer is not mirrored here.
/// </summary>
public static class TestImages
{
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.OrangeRed);
        using var paint = new SKPaint { Color = SKColors.Navy };
        surface.Canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>The PNG with tEXt chunks put right after its IHDR (where card tools put them).</summary>
    public static byte[] WithText(byte[] png, params (string Keyword, string Text)[] texts)
    {
        var afterHeader = 8 + 12 + (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(8));
        var output = new List<byte>(png[..afterHeader]);
        foreach (var (keyword, text) in texts) output.AddRange(Chunk("tEXt", Encoding.Latin1.GetBytes($"{keyword}\0{text}")));
        output.AddRange(png[afterHeader..]);
        return [.. output];
    }

    public static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>Every chunk's type, and the tEXt chunks' keyword and text.</summary>
    public static (List<string> Types, Dictionary<string, string> Texts) Chunks(byte[] png)
    {
        var (types, texts) = (new List<string>(), new Dictionary<string, string>());
        for (var at = 8; at + 12 <= png.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            var type = Encoding.ASCII.GetString(png, at + 4, 4);
            types.Add(type);
            if (type == "tEXt")
            {
                var data = png.AsSpan(at + 8, length);
                var nul = data.IndexOf((byte)0);
                texts[Encoding.Latin1.GetString(data[..nul])] = Encoding.Latin1.GetString(data[(nul + 1)..]);
            }
            at += 12 + length;
        }
        return (types, texts);
    }

    public static string Base64Json(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    public static (int Width, int Height, SKEncodedImageFormat Format) Decode(byte[] image)
    {
        using var codec = SKCodec.Create(new MemoryStream(image));
        return (codec.Info.Width, codec.Info.Height, codec.EncodedFormat);
    }

    /// <summary>A well-formed PNG that claims <paramref name="width"/> x <paramref name="height"/> pixels and holds almost none.</summary>
    public static byte[] Claiming(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)height);
        header[8] = 8; // bit depth
        header[9] = 6; // RGBA
        return [.. Encode(1, 1)[..8], .. Chunk("IHDR", header), .. Chunk("IDAT", [0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]), .. Chunk("IEND", [])];
    }
}
