namespace ChatHub.Conversations;

/// <summary>
/// A conversation's rolling summary of the part of its active branch that no longer fits a prompt, written by the model
/// in the background (or by the user), and carried in every prompt before the recent messages.
/// </summary>
/// <param name="Summary">Empty when nothing is summarised yet.</param>
/// <param name="ThroughId">The last message the summary covers (the messages up to it on the branch); null when it covers none, e.g. a summary the user wrote first.</param>
/// <param name="Enabled">Off: no summary is written or sent for this conversation.</param>
/// <param name="UpdatedAt">When it was last written.</param>
public sealed record ConversationMemory(string Summary, string? ThroughId, bool Enabled, DateTimeOffset UpdatedAt)
{
    public static readonly ConversationMemory None = new("", null, Enabled: true, DateTimeOffset.MinValue);
}
