using ChatHub.Contracts;
using ChatHub.Conversations;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Chat;

/// <summary>Tells every connection of a conversation's user (watching it or not) that its title, leaf or last message changed.</summary>
public sealed partial class ConversationNotices(IHubContext<CharacterChatHub, IChatHubClient> hub, ILogger<ConversationNotices> logger) : IConversationUpdates
{
    /// <summary>Never throws: the change is stored, and the next read shows it.</summary>
    /// <param name="leaf">The active branch's last message, when the caller knows it.</param>
    /// <param name="firstUserText">The first user message, whose start is the title until the model's is stored.</param>
    public async Task UpdatedAsync(Conversation conversation, StoredMessage? leaf, string? firstUserText = null)
    {
        try
        {
            await hub.Clients.User(conversation.UserId).ConversationUpdated(new ConversationUpdated { Conversation = conversation.ToDto(leaf, firstUserText) });
        }
        catch (Exception ex)
        {
            LogNotDelivered(logger, ex, conversation.Id);
        }
    }

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "The update of conversation {ConversationId} could not be sent to its user's devices")]
    private static partial void LogNotDelivered(ILogger logger, Exception exception, string conversationId);
}
