using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Observability;
using ChatHub.Quotas;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat;

/// <summary>
/// The chat hub. Short-lived like every hub: it checks, stores and hands the reply to
/// <see cref="ReplyCoordinator"/>, which writes it after this invocation has returned.
/// </summary>
public sealed class CharacterChatHub(
    IConversationStore conversations,
    ReplyCoordinator replies,
    IQuotaService quotas,
    IOptions<ChatSettings> settings,
    ChatMetrics metrics,
    TimeProvider clock) : Hub<IChatClient>, IChatHub
{
    private const string NoSuchConversation = "There is no conversation with that id.";

    public async Task<SendMessageResult> SendMessage(SendMessageRequest request)
    {
        var received = clock.GetTimestamp();
        var text = Validate(request);
        var userId = Context.User!.UserId();
        // A conversation this connection already watches was checked then and cannot change hands since;
        // were it deleted since, the append below finds no conversation and says so.
        var conversation = request.ConversationId is { } id && Watched.TryGetValue(id, out var watched) ? watched : await WatchAsync(request.ConversationId, userId);
        var group = ChatGroups.Conversation(conversation.Id);

        var message = new StoredMessage(Ids.New(), MessageValues.SenderUser, text, clock.UtcNowMs(), request.ClientMessageId, ReplyId: Ids.New());
        var run = new ReplyRun(conversation.Id, userId, message.ReplyId!, message.Id) { ReceivedAt = received, MaxTokens = quotas.MaxTokensFor(Context.User!) };
        var refusal = await quotas.TryTakeMessageAsync(Context.User!)
            ?? await replies.TryReserveAsync(run, quotas.ConcurrentRepliesFor(Context.User!));
        if (refusal is not null)
        {
            // A retry of a message that was stored is answered as the first time, even while its reply runs.
            var earlier = await conversations.FindByClientMessageIdAsync(conversation.Id, userId, request.ClientMessageId, Context.ConnectionAborted);
            return earlier is not null ? Result(earlier) : throw new HubException(refusal);
        }

        // The model is asked while the message commits, so the two waits overlap; the reply shows only once
        // the message is stored. Until then the slot is this call's to give back.
        var stored = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        replies.Start(run, conversation, message, stored.Task);
        try
        {
            var appended = await conversations.AppendUserMessageAsync(conversation.Id, userId, message, CancellationToken.None);
            if (appended is null)
            {
                Watched.Remove(conversation.Id);
                throw new HubException(NoSuchConversation);
            }
            if (!appended.Appended) return Result(appended.Message);
            metrics.MessageReceived();

            // Other devices hear of the message before the reply to it starts.
            await Clients.OthersInGroup(group).MessageAppended(new MessageAppended { ConversationId = conversation.Id, Message = message.ToDto() });
            stored.SetResult(true);
            return Result(message);
        }
        finally
        {
            if (stored.TrySetResult(false))
            {
                run.Abandon(); // before the slot is free, so the model is not still being asked for a reply no one will see
                await replies.ReleaseAsync(run);
            }
        }
    }

    public async Task<ConversationSnapshot> WatchConversation(string conversationId)
    {
        var userId = Context.User!.UserId();
        // Join first, then read: a delta sent after the join arrives, one sent before is in the snapshot.
        var conversation = await WatchAsync(conversationId, userId);
        var active = await replies.ActiveAsync(conversation.Id);
        var recent = await conversations.GetMessagesAsync(conversation.Id, userId, settings.Value.SnapshotMessages, null, Context.ConnectionAborted)
            ?? throw new HubException(NoSuchConversation);
        // A reply stored between the two reads is shown as stored, not twice.
        if (active is not null && recent.Messages.Any(m => m.Id == active.ReplyId)) active = null;
        return new ConversationSnapshot
        {
            ConversationId = conversation.Id,
            Messages = recent.Messages.Select(m => m.ToDto()).ToArray(),
            ActiveReply = active,
        };
    }

    public async Task StopReply(string replyId)
    {
        if (!Ids.IsValid(replyId) || !await replies.TryStopAsync(replyId, Context.User!.UserId()))
        {
            throw new HubException("There is no reply in progress with that id.");
        }
    }

    private string Validate(SendMessageRequest? request)
    {
        if (request is null) throw new HubException("The request is missing.");
        var max = settings.Value.MaxMessageChars;
        if (request.Message is null || string.IsNullOrWhiteSpace(request.Message)) throw new HubException("The message is empty.");
        if (request.Message.Length > max) throw new HubException($"The message is too long: at most {max:N0} characters are allowed.");
        if (request.ClientMessageId is not { Length: > 0 and <= ChatSettings.MaxClientMessageIdChars } || string.IsNullOrWhiteSpace(request.ClientMessageId))
        {
            throw new HubException($"clientMessageId is required and may have at most {ChatSettings.MaxClientMessageIdChars} characters.");
        }
        return request.Message;
    }

    /// <summary>
    /// Checks that the conversation is the caller's and joins its group, so this connection gets its
    /// events. Once per conversation and connection: with the backplane a join is a round trip to Redis.
    /// </summary>
    private async Task<Conversation> WatchAsync(string? conversationId, string userId)
    {
        if (!Ids.IsValid(conversationId)) throw new HubException("The conversation id is not valid.");
        var conversation = await conversations.GetAsync(conversationId!, userId, Context.ConnectionAborted) ?? throw new HubException(NoSuchConversation);
        if (!Watched.ContainsKey(conversation.Id))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Conversation(conversation.Id));
            Watched[conversation.Id] = conversation;
        }
        return conversation;
    }

    /// <summary>The conversations this connection has checked and joined. A connection's invocations run one at a time, so it needs no lock.</summary>
    private Dictionary<string, Conversation> Watched =>
        (Dictionary<string, Conversation>)(Context.Items.TryGetValue(nameof(Watched), out var watched) ? watched! : Context.Items[nameof(Watched)] = new Dictionary<string, Conversation>());

    private static SendMessageResult Result(StoredMessage userMessage) =>
        new() { UserMessageId = userMessage.Id, ReplyId = userMessage.ReplyId! };
}
