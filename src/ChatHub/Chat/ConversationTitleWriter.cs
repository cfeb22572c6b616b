using ChatHub.Conversations;
using ChatHub.Llm;

namespace ChatHub.Chat;

/// <summary>
/// Names a conversation after its first exchange: a short request to the model with a small token budget,
/// in the background once the reply is stored, so it never delays a reply. When the model gives nothing
/// usable the start of the first user message is the title. A title the user set first is never overwritten.
/// </summary>
public sealed partial class ConversationTitleWriter(
    IConversationStore conversations,
    BackgroundAsks asks,
    ConversationNotices notices,
    ILogger<ConversationTitleWriter> logger)
{
    /// <summary>Starts writing the title and returns at once; <see cref="Pending"/> completes when it is stored (or given up).</summary>
    /// <param name="leaf">The first exchange's reply, the conversation's leaf.</param>
    /// <param name="profile">The model profile that wrote the reply writes the title too.</param>
    /// <param name="role">The user's role, by which the title's tokens are counted.</param>
    public void Start(Conversation conversation, string userText, StoredMessage leaf, ModelProfile profile, string role) =>
        Pending = Task.Run(() => WriteAsync(conversation, userText, leaf, profile, role));

    /// <summary>The title last started, for a host that waits for it.</summary>
    public Task Pending { get; private set; } = Task.CompletedTask;

    private async Task WriteAsync(Conversation conversation, string userText, StoredMessage leaf, ModelProfile profile, string role)
    {
        try
        {
            var title = await AskAsync(profile, conversation.UserId, role, userText, leaf.Text) ?? ConversationMapping.Shorten(userText, ConversationTitles.MaxChars);
            if (await conversations.SetTitleAsync(conversation.Id, conversation.UserId, title, onlyIfUntitled: true, CancellationToken.None))
            {
                await notices.UpdatedAsync(conversation with { Title = title }, leaf);
            }
        }
        catch (Exception ex)
        {
            LogNotStored(logger, ex, conversation.Id);
        }
    }

    private async Task<string?> AskAsync(ModelProfile profile, string userId, string role, string userText, string replyText)
    {
        try
        {
            return TitlePrompt.Read(await asks.AskAsync(profile, TitlePrompt.Build(userText, replyText), userId, role));
        }
        catch (Exception ex)
        {
            LogModelFailed(logger, ex);
            return null;
        }
    }

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "The model wrote no title; the start of the first message is the title")]
    private static partial void LogModelFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "The title of conversation {ConversationId} could not be stored")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string conversationId);
}
