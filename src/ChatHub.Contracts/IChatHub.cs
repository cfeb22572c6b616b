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
}

/// <summary>What the hub sends to every connection watching a conversation.</summary>
public interface IChatClient
{
    Task MessageAppended(MessageAppended message);
    Task ReplyStarted(ReplyStarted reply);
    Task ReplyDelta(ReplyDelta delta);
    Task ReplyCompleted(ReplyCompleted reply);
    Task ReplyFailed(ReplyFailed reply);
    /// <summary>The server is about to close this connection: its session ended, for <see cref="SessionEnded.Reason"/>.</summary>
    Task SessionEnded(SessionEnded ended);
}
