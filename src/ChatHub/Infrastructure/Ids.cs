using MongoDB.Bson;

namespace ChatHub.Infrastructure;

/// <summary>Every id is a MongoDB ObjectId in its 24-hex-digit form, whichever store is in use.</summary>
public static class Ids
{
    public static string New() => ObjectId.GenerateNewId().ToString();

    /// <summary>A new id that carries <paramref name="at"/> (to the second), which <see cref="TimeOf"/> reads back.</summary>
    public static string New(DateTimeOffset at) => ObjectId.GenerateNewId(at.UtcDateTime).ToString();

    /// <summary>The time an id was made at, to the second; null for a value that is not an id.</summary>
    public static DateTimeOffset? TimeOf(string? value) =>
        IsValid(value) ? new DateTimeOffset(ObjectId.Parse(value).CreationTime, TimeSpan.Zero) : null;

    /// <summary>An id that follows from <paramref name="parts"/> (a hash of them): the same request gives the same id, on any node.</summary>
    public static string Derived(params string[] parts) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', parts))).AsSpan(0, 12));

    public static bool IsValid(string? value) => value is { Length: 24 } && ObjectId.TryParse(value, out _);
}

public static class TimeProviderExtensions
{
    /// <summary>Now, cut to the millisecond both stores keep, so a value reads back equal to what was written.</summary>
    public static DateTimeOffset UtcNowMs(this TimeProvider clock) =>
        DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
}
