using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;

namespace ChatHub.Chat;

/// <summary>
/// A node with no Redis has no survivor to end the replies it was writing when it died (a kill, a
/// crash, a power cut): it ends them itself at start-up, before it serves. Every user message that
/// asked for a reply and has none gets one, failed and marked <see cref="MessageValues.ErrorInterrupted"/>.
/// Each is one append at most once per reply id, so running this twice, or on two nodes, stores each once.
/// </summary>
public sealed partial class InterruptedReplies(IConversationStore conversations, TimeProvider clock, ILogger<InterruptedReplies> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var unanswered = await conversations.ListUnansweredAsync(cancellationToken);
            foreach (var (conversationId, message) in unanswered)
            {
                var reply = new StoredMessage(message.ReplyId!, MessageValues.SenderAi, "", clock.UtcNowMs(),
                    InReplyTo: message.Id, Status: MessageValues.StatusFailed, Error: MessageValues.ErrorInterrupted, ParentId: message.Id);
                await conversations.AppendReplyAsync(conversationId, reply, cancellationToken);
            }
            if (unanswered.Count > 0) LogEnded(logger, unanswered.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The node still starts (its health says whether the store is there); the next start tries again.
            LogFailed(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "{Count} replies were cut by the last shutdown; stored as interrupted")]
    private static partial void LogEnded(ILogger logger, int count);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "The replies cut by the last shutdown could not be ended")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
