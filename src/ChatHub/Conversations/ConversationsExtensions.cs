using ChatHub.Accounts.Deletion;

namespace ChatHub.Conversations;

public static class ConversationsExtensions
{
    /// <summary>A deleted account's conversations go with it, and their replies in flight stop, as when deleted one by one.</summary>
    public static WebApplicationBuilder AddConversations(this WebApplicationBuilder builder)
    {
        builder.Services.AddUserDataEraser("conversations", sp => (userId, ct) =>
            EraseAllAsync(sp.GetRequiredService<IConversationStore>(), sp.GetRequiredService<IConversationEvents>(), userId, ct));
        return builder;
    }

    private static async Task EraseAllAsync(IConversationStore store, IConversationEvents events, string userId, CancellationToken cancellationToken)
    {
        foreach (var conversation in await store.ListAsync(userId, cancellationToken))
        {
            if (await store.DeleteAsync(conversation.Id, userId, cancellationToken)) events.Deleted(conversation.Id);
        }
    }
}
