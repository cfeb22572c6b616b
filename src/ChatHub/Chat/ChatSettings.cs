using System.ComponentModel.DataAnnotations;

namespace ChatHub.Chat;

/// <summary>The <c>Chat</c> configuration section.</summary>
public sealed class ChatSettings
{
    public const string Section = "Chat";

    [Range(1, 1_000_000)]
    public int MaxMessageChars { get; set; } = 16_000;

    /// <summary>How many recent messages <c>WatchConversation</c> returns.</summary>
    [Range(1, 500)]
    public int SnapshotMessages { get; set; } = 50;

    /// <summary>How many recent messages are offered to the prompt builder, which then cuts them to its token budget.</summary>
    [Range(1, 1000)]
    public int HistoryMessages { get; set; } = 100;

    /// <summary>
    /// Model output that comes faster than one piece in this many milliseconds is sent as one delta per window
    /// (see <see cref="DeltaStream"/>); 0 waits for nothing, though pieces queued behind a send still under way go together.
    /// </summary>
    [Range(0, 1000)]
    public int DeltaWindowMs { get; set; } = 10;

    /// <summary>How long shutdown waits for replies in flight to finish before it cuts them short.</summary>
    [Range(0, 600)]
    public int ShutdownDrainSeconds { get; set; } = 10;

    /// <summary>
    /// How many bytes of hub messages may wait for one connection whose socket does not take them as fast as they
    /// come (see <see cref="Delivery.QueuedConnection"/>); beyond, the connection is closed and its client re-watches.
    /// </summary>
    [Range(16 * 1024, 64 * 1024 * 1024)]
    public int ConnectionQueueBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How many recent messages the MongoDB conversation document keeps; past that the oldest half moves to a
    /// <c>conversation_messages</c> bucket (see docs/data-model.md). SQLite stores rows and ignores it.
    /// </summary>
    [Range(10, 2000)]
    public int LiveMessages { get; set; } = 200;

    public const int MaxClientMessageIdChars = 100;
}
