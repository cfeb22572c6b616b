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

    // The load runs only send and watch; the tree's calls are here to keep the contract whole.
    public Task<ReplyResult> RegenerateReply(RegenerateReplyRequest request) => throw new HubException("Not in the bare hub.");
    public Task<EditMessageResult> EditMessage(EditMessageRequest request) => throw new HubException("Not in the bare hub.");
    public Task<ReplyResult> ContinueReply(ContinueReplyRequest request) => throw new HubException("Not in the bare hub.");
    public Task<ConversationSnapshot> SelectBranch(SelectBranchRequest request) => throw new HubException("Not in the bare hub.");
    public Task DeleteMessage(DeleteMessageRequest request) => throw new HubException("Not in the bare hub.");
}
