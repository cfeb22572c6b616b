using ChatHub.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.LoadTest.Baseline;

/// <summary>
/// The bare minimum behind the same contract: no auth, no store, no model. It joins the caller to
/// the conversation's group and streams made-up deltas to the group, as the real hub does.
/// </summary>
public sealed class BareHub(BareStreamer streamer) : Hub<IChatHubClient>, IChatHub
{
    public async Task<SendMessageResult> SendMessage(SendMessageRequest request)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, request.ConversationId);
        var result = new SendMessageResult { UserMessageId = Guid.NewGuid().ToString("N"), ReplyId = Guid.NewGuid().ToString("N") };
        streamer.Start(request.ConversationId, result);
        return result;
    }

    public async Task<ConversationSnapshot> WatchConversation(string conversationId)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, conversationId);
        return new ConversationSnapshot { ConversationId = conversationId, Messages = [] };
    }

    public Task StopReply(string replyId) => Task.CompletedTask;
}
