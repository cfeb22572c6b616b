using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Observability;
using ChatHub.Quotas;
using ChatHub.Usage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat;

/// <summary>
/// The chat hub. Short-lived like every hub: it checks, takes a <see cref="ReplySlot"/>, stores the
/// message and hands the slot to a <see cref="ReplyTurn"/>, which writes the reply after this invocation has returned.
/// </summary>
public sealed class CharacterChatHub(
    IConversationStore conversations,
    ReplySlots replies,
    ReplyTurns turns,
    IQuotaService quotas,
    UsageLedger usage,
    IOptions<ChatSettings> settings,
    ChatMetrics metrics,
    TimeProvider clock) : Hub<IChatHubClient>, IChatHub
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
        var run = new ReplyRun(conversation.Id, userId, message.ReplyId!, message.Id) { ReceivedAt = received, MaxTokens = quotas.MaxTokensFor(Context.User!), Role = Context.User!.Role() };
        // Past a token budget nothing is written and the model is not asked.
        var refusal = await usage.RefusalAsync(Context.User!, Context.ConnectionAborted) ?? await quotas.TryTakeMessageAsync(Context.User!);
        ReplySlot? slot = null;
        if (refusal is null) (slot, refusal) = await replies.TryTakeAsync(run, quotas.ConcurrentRepliesFor(Context.User!));
        if (slot is null)
        {
            // A retry of a message that was stored is answered as the first time, even while its reply runs.
            var earlier = await conversations.FindByClientMessageIdAsync(conversation.Id, userId, request.ClientMessageId, Context.ConnectionAborted);
            return earlier is not null ? Result(earlier) : throw new HubException(refusal);
        }

        // From here the slot is the turn's: it asks the model while the message commits, so the two waits
        // overlap, and shows the reply only once it hears the message is stored.
        var turn = turns.Start(slot, conversation, message);
        var stored = false;
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
            stored = true;

            // Other devices hear of the message before the reply to it starts (the turn hears of it in the finally).
            await Clients.OthersInGroup(group).MessageAppended(new MessageAppended { ConversationId = conversation.Id, Message = message.ToDto() });
            return Result(message);
        }
        finally
        {
            turn.MessageStored(stored);
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
