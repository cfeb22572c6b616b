namespace ChatHub.Contracts;

/// <summary>What a client may call on the hub at <see cref="Routes.ChatHub"/>.</summary>
public interface IChatHub
{
    /// <summary>
    /// Appends the user's message and starts the character's reply. Returns once the message is
    /// stored. Sending the same <see cref="SendMessageRequest.ClientMessageId"/> again appends
    /// nothing and returns the first result.
    /// </summary>
    Task<SendMessageResult> SendMessage(SendMessageRequest request);

    /// <summary>Joins this connection to the conversation's audience and returns where it stands.</summary>
    Task<ConversationSnapshot> WatchConversation(string conversationId);

    /// <summary>Ends a reply that is still being written; its text so far is kept as stopped.</summary>
    Task StopReply(string replyId);

    /// <summary>Writes a new reply to the same user message, streamed like any; the old one stays as its alternative.</summary>
    Task<ReplyResult> RegenerateReply(RegenerateReplyRequest request);

    /// <summary>A user message: a new alternative with the new text becomes the active branch and gets a reply. A character's message: its text is replaced in place, marked edited.</summary>
    Task<EditMessageResult> EditMessage(EditMessageRequest request);

    /// <summary>The character goes on writing the same reply: deltas continue its text, stored as one message.</summary>
    Task<ReplyResult> ContinueReply(ContinueReplyRequest request);

    /// <summary>Makes the branch through the message (to its latest leaf) the active one and returns its snapshot: how a page swipes between alternatives.</summary>
    Task<ConversationSnapshot> SelectBranch(SelectBranchRequest request);

    /// <summary>Removes the message and everything after it on its branches; its alternatives and other branches stay.</summary>
    Task DeleteMessage(DeleteMessageRequest request);
}

/// <summary>What the hub sends to every connection watching a conversation.</summary>
public interface IChatHubClient
{
    Task MessageAppended(MessageAppended message);
    Task ReplyStarted(ReplyStarted reply);
    Task ReplyDelta(ReplyDelta delta);
    Task ReplyCompleted(ReplyCompleted reply);
    Task ReplyFailed(ReplyFailed reply);
    Task MessageEdited(MessageEdited message);
    Task MessagesDeleted(MessagesDeleted deleted);
    Task BranchSelected(BranchSelected branch);
    /// <summary>To every connection of the user, watching or not.</summary>
    Task ConversationUpdated(ConversationUpdated updated);
    /// <summary>The server is about to close this connection: its session ended, for <see cref="SessionEnded.Reason"/>.</summary>
    Task SessionEnded(SessionEnded ended);
}
