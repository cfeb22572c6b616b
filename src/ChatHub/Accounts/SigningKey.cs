using System.Security.Cryptography;
using System.Text;
using ChatHub.Infrastructure;
using ChatHub.Storage;
using Microsoft.IdentityModel.Tokens;

namespace ChatHub.Accounts;

/// <summary>The key every node of a deployment signs and checks tokens with.</summary>
public static class SigningKey
{
    private const string FileName = "signing.key";

    public static SymmetricSecurityKey Load(IConfiguration configuration)
    {
        var configured = configuration[$"{AuthOptions.Section}:{nameof(AuthOptions.SigningKey)}"];
        if (!string.IsNullOrEmpty(configured))
        {
            if (configured.Length < 32) throw new InvalidOperationException("Auth:SigningKey must be at least 32 characters long.");
            return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(configured));
        }
        return new SymmetricSecurityKey(Convert.FromBase64String(ReadOrCreate(Path.Combine(configuration.DataDir(), FileName))));
    }

    private static string ReadOrCreate(string path)
    {
        try
        {
            // CreateNew: when two processes start at once, exactly one writes the key and the other reads it.
            using var stream = new FileStream(path, OwnerOnlyFiles.CreateNew());
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
            using var writer = new StreamWriter(stream);
            writer.Write(key);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            for (var attempt = 0; ; attempt++)
            {
                var key = File.ReadAllText(path).Trim();
                if (key.Length > 0 || attempt == 50) return key;
                Thread.Sleep(20); // the other process has created the file but not yet written it
            }
        }
    }
}
