namespace ChatHub.Characters;

/// <summary>An avatar as stored: a PNG of at most 512 by 512 pixels, and the ETag that names this version.</summary>
public sealed record Avatar(byte[] Png, string Etag);
