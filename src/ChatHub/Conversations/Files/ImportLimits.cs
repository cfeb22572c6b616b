namespace ChatHub.Conversations.Files;

/// <summary>
/// How big an imported conversation may be. A user's message is held to the hub's limit (<c>Chat:MaxMessageChars</c>); a
/// character's may be four times that, as a long reply or a continued one can be. The file's size keeps a MongoDB document
/// well under its 16 MiB.
/// </summary>
public sealed record ImportLimits(int MaxUserMessageChars)
{
    public const int MaxFileBytes = 8 * 1024 * 1024;
    public const int MaxMessages = 5_000;

    public int MaxCharacterMessageChars => MaxUserMessageChars * 4;
}
