using System.Buffers.Text;
using System.Security.Cryptography;

namespace ChatHub.Accounts;

/// <summary>
/// Random secrets handed out once and stored only as a hash (refresh tokens, sign-in codes). A plain
/// SHA-256 is enough: 256 random bits leave nothing to guess and nothing to salt, and a database leak
/// yields no usable token.
/// </summary>
public static class OpaqueTokens
{
    private const int Bytes = 32;

    /// <summary>A new token: the value to hand out (base64url, 43 characters) and the hash to store.</summary>
    public static (string Value, string Hash) New()
    {
        var value = RandomNumberGenerator.GetBytes(Bytes);
        return (Base64Url.EncodeToString(value), Hash(value));
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
