namespace ChatHub.Chat;

public static class ChatGroups
{
    /// <summary>The SignalR group of every connection watching a conversation.</summary>
    public static string Conversation(string conversationId) => $"conversation:{conversationId}";
}
