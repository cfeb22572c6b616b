using System.Security.Cryptography;
using SkiaSharp;

namespace ChatHub.Characters.Avatars;

/// <summary>
/// Turns an uploaded image into a stored avatar: decoded by SkiaSharp within limits, cut to a centred
/// square of at most <see cref="MaxSide"/> pixels and encoded again as PNG, which carries none of the
/// upload's metadata (EXIF, location, text chunks).
/// </summary>
public static class AvatarImages
{
    public const int MaxSide = 512;
    public const long MaxSourcePixels = 40_000_000;
    public const int MaxSourceSide = 16_384;

    /// <summary>The avatar, or what is wrong with the image in words for the user.</summary>
    public static (Avatar? Avatar, string? Problem) Make(ReadOnlySpan<byte> upload)
    {
        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data);
        if (codec is null) return (null, "The file is not an image that can be read (PNG, JPEG or WebP).");
        if (codec.EncodedFormat is not (SKEncodedImageFormat.Png or SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Webp))
        {
            return (null, "The image must be a PNG, JPEG or WebP.");
        }
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width < 1 || height < 1 || width > MaxSourceSide || height > MaxSourceSide || (long)width * height > MaxSourcePixels)
        {
            return (null, $"The image may have at most {MaxSourcePixels / 1_000_000} million pixels and {MaxSourceSide} on a side.");
        }

        // Decode no larger than needed: JPEG and WebP decode straight to a smaller size.
        var scale = Math.Min(1f, (float)MaxSide / Math.Min(width, height));
        var size = codec.GetScaledDimensions(scale);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        // A partly readable image decodes with the rest left blank: only a complete one is taken.
        if (codec.GetPixels(info, bitmap.GetPixels()) != SKCodecResult.Success) return (null, "The image is damaged and cannot be read.");

        var side = Math.Min(MaxSide, Math.Min(bitmap.Width, bitmap.Height));
        using var surface = SKSurface.Create(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var image = SKImage.FromBitmap(bitmap);
        var square = Math.Min(bitmap.Width, bitmap.Height);
        var source = SKRect.Create((bitmap.Width - square) / 2f, (bitmap.Height - square) / 2f, square, square);
        surface.Canvas.Clear(SKColors.Transparent);
        surface.Canvas.DrawImage(image, source, SKRect.Create(side, side), new SKSamplingOptions(SKCubicResampler.Mitchell), null);
        using var result = surface.Snapshot();
        using var png = result.Encode(SKEncodedImageFormat.Png, 100);
        var bytes = png.ToArray();
        return (new Avatar(bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]), null);
    }

    /// <summary>A plain square for a card exported without an avatar: PNG cards need an image to carry them.</summary>
    public static byte[] Placeholder()
    {
        using var surface = SKSurface.Create(new SKImageInfo(256, 256, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(new SKColor(0x5b, 0x6b, 0x8c));
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
