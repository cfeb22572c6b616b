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
        var text = Validate(request);
        var userId = Context.User!.UserId();
        var conversation = await OwnedConversationAsync(request.ConversationId, userId);
        var group = ChatGroups.Conversation(conversation.Id);
        // The sender watches its own conversation, so it gets the reply it asked for.
        await JoinAsync(group);

        var message = new StoredMessage(Ids.New(), MessageValues.SenderUser, text, clock.UtcNowMs(), request.ClientMessageId, ReplyId: Ids.New());
        var run = new ReplyRun(conversation.Id, userId, message.ReplyId!, message.Id) { MaxTokens = quotas.MaxTokensFor(Context.User!) };
        var refusal = await quotas.TryTakeMessageAsync(Context.User!)
            ?? await replies.TryReserveAsync(run, quotas.ConcurrentRepliesFor(Context.User!));
        if (refusal is not null)
        {
            // A retry of a message that was stored is answered as the first time, even while its reply runs.
            var earlier = await conversations.FindByClientMessageIdAsync(conversation.Id, userId, request.ClientMessageId, Context.ConnectionAborted);
            return earlier is not null ? Result(earlier) : throw new HubException(refusal);
        }

        var started = false;
        try
        {
            var appended = await conversations.AppendUserMessageAsync(conversation.Id, userId, message, CancellationToken.None)
                ?? throw new HubException(NoSuchConversation);
            if (!appended.Appended) return Result(appended.Message);
            metrics.MessageReceived();

            await Clients.OthersInGroup(group).MessageAppended(new MessageAppended { ConversationId = conversation.Id, Message = message.ToDto() });
            replies.Start(run, conversation);
            started = true;
            return Result(message);
        }
        finally
        {
            if (!started) await replies.ReleaseAsync(run);
        }
    }

    public async Task<ConversationSnapshot> WatchConversation(string conversationId)
    {
        var userId = Context.User!.UserId();
        var conversation = await OwnedConversationAsync(conversationId, userId);
        // Join first, then read: a delta sent after the join arrives, one sent before is in the snapshot.
        await JoinAsync(ChatGroups.Conversation(conversation.Id));
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

    private async Task<Conversation> OwnedConversationAsync(string? conversationId, string userId)
    {
        if (!Ids.IsValid(conversationId)) throw new HubException("The conversation id is not valid.");
        return await conversations.GetAsync(conversationId!, userId, Context.ConnectionAborted) ?? throw new HubException(NoSuchConversation);
    }

    /// <summary>
    /// Joins the conversation's group once per connection: with the backplane a join is a round trip
    /// to Redis, and a chatty connection would otherwise pay it on every message. A connection's
    /// invocations run one at a time, so the set needs no lock.
    /// </summary>
    private async Task JoinAsync(string group)
    {
        var joined = (HashSet<string>)(Context.Items.TryGetValue(nameof(JoinAsync), out var set) ? set! : Context.Items[nameof(JoinAsync)] = new HashSet<string>());
        if (joined.Contains(group)) return;
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
        joined.Add(group);
    }

    private static SendMessageResult Result(StoredMessage userMessage) =>
        new() { UserMessageId = userMessage.Id, ReplyId = userMessage.ReplyId! };
}
