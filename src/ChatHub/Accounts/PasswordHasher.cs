using System.Security.Cryptography;
using System.Text;

namespace ChatHub.Accounts;

/// <summary>
/// PBKDF2-HMAC-SHA512 at OWASP's recommended 210,000 iterations, with a random salt per password.
/// The format names its algorithm and cost, so either can be raised later without breaking old hashes.
/// </summary>
public sealed class PasswordHasher
{
    private const string Algorithm = "pbkdf2-sha512";
    private const int Iterations = 210_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verified against when an email is unknown, so a wrong email costs as long as a wrong password.
    private readonly Lazy<string> _decoy = new(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return $"{Algorithm}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string encoded)
    {
        var parts = encoded.Split('$');
        if (parts is not [Algorithm, var iterationText, var saltText, var hashText] || !int.TryParse(iterationText, out var iterations))
        {
            return false;
        }
        var expected = Convert.FromBase64String(hashText);
        var actual = Derive(password, Convert.FromBase64String(saltText), iterations);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Spends the time of one verification and fails: for sign-ins with an unknown email.</summary>
    public bool VerifyDecoy(string password)
    {
        Verify(password, _decoy.Value);
        return false;
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);
}
