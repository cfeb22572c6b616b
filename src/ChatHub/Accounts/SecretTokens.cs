using System.Buffers.Text;
using System.Security.Cryptography;

namespace ChatHub.Accounts;

/// <summary>A random secret the client holds and the store knows only as a hash.</summary>
public sealed record SecretToken(string Value, string Hash);

/// <summary>
/// The secrets of sessions, resets, deletion links and sign-in challenges: 32 random bytes, base64url.
/// A plain SHA-256 is enough to store them: 256 random bits leave nothing to guess and nothing to salt,
/// and a leaked hash opens nothing.
/// </summary>
public static class SecretTokens
{
    private const int Bytes = 32;

    public static SecretToken New()
    {
        var value = RandomNumberGenerator.GetBytes(Bytes);
        return new SecretToken(Base64Url.EncodeToString(value), Hash(value));
    }

    /// <summary>The stored form of a presented token; null when it cannot be one of ours.</summary>
    public static string? HashOf(string? presented)
    {
        if (presented is null || presented.Length != Base64Url.GetEncodedLength(Bytes)) return null;
        var value = new byte[Bytes];
        return Base64Url.TryDecodeFromChars(presented, value, out var written) && written == Bytes ? Hash(value) : null;
    }

    private static string Hash(byte[] value) => Convert.ToHexStringLower(SHA256.HashData(value));
}
