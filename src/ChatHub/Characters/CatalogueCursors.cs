using System.Globalization;
using System.Text;
using ChatHub.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace ChatHub.Characters;

/// <summary>The catalogue's <c>cursor</c>: opaque to clients, the last character's sort key and id inside.</summary>
public static class CatalogueCursors
{
    public static string Write(CatalogueCursor cursor) =>
        WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes($"{cursor.Key.ToString(CultureInfo.InvariantCulture)}.{cursor.Id}"));

    /// <summary>Null for anything <see cref="Write"/> did not make.</summary>
    public static CatalogueCursor? Read(string text)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(text)).Split('.');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var key) && Ids.IsValid(parts[1])
                ? new CatalogueCursor(key, parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
