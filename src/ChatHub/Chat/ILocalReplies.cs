namespace ChatHub.Chat;

/// <summary>
/// What the chat feature lets the scale-out layer do with the replies this node writes: keep their
/// leases alive, obey stop and delete requests that reached another node, and end replies whose node died.
/// </summary>
public interface ILocalReplies
{
    /// <summary>The replies this node is writing now.</summary>
    IReadOnlyList<ReplyRun> Running();

    /// <summary>Stops the user's reply if this node writes it; false when it does not (or the reply is someone else's).</summary>
    bool Stop(string replyId, string userId);

    /// <summary>Ends the conversation's reply if this node writes it: the conversation is gone.</summary>
    void EndForDeletedConversation(string conversationId);

    /// <summary>Ends a reply whose node died: keeps what it had written, marked interrupted, and tells the watchers.</summary>
    Task FinishOrphanAsync(OrphanReply orphan);
}
