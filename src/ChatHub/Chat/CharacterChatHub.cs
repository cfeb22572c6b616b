using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Observability;
using ChatHub.Quotas;
using ChatHub.Usage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat;

/// <summary>
/// The chat hub. Short-lived like every hub: it checks, takes a <see cref="ReplySlot"/>, stores the
/// message and hands the slot to a <see cref="ReplyTurn"/>, which writes the reply after this invocation
/// has returned. Every call checks the conversation is the caller's; a reply in flight holds its
/// conversation's slot, so nothing else that writes a reply runs beside it, and what would cut its
/// branch (selecting another, deleting one of its messages) is refused.
/// </summary>
public sealed class CharacterChatHub(
    IConversationStore conversations,
    ReplySlots replies,
    ReplyTurns turns,
    ConversationNotices notices,
    IQuotaService quotas,
    UsageLedger usage,
    CharacterCache characters,
    ModelChoice models,
    ConversationMemoryWriter memories,
    IOptions<ChatSettings> settings,
    ChatMetrics metrics,
    TimeProvider clock) : Hub<IChatHubClient>, IChatHub
{
    private const string NoSuchConversation = "There is no conversation with that id.";
    private const string NoSuchMessage = "There is no message with that id in this conversation.";
    private const string BranchGone = "The message this follows is no longer in the conversation.";
    private const string OnStreamingBranch = "The character is still replying on this branch. Wait for the reply or stop it.";

    public async Task<SendMessageResult> SendMessage(SendMessageRequest request)
    {
        var received = clock.GetTimestamp();
        if (request is null) throw new HubException("The request is missing.");
        var text = ValidText(request.Message);
        ValidClientId(request.ClientMessageId, "clientMessageId");
        // A conversation this connection already watches was checked then and cannot change hands since;
        // were it deleted since, the append below finds no conversation and says so.
        var conversation = request.ConversationId is { } id && Watched.TryGetValue(id, out var watched) ? watched : await WatchAsync(request.ConversationId);
        var (message, _) = await SendAsync(conversation, text, request.ClientMessageId, received, current => current.LeafId, place: SiblingPlace.Only);
        return new SendMessageResult { UserMessageId = message.Id, ReplyId = message.ReplyId! };
    }

    public async Task<ReplyResult> RegenerateReply(RegenerateReplyRequest request)
    {
        if (request is null) throw new HubException("The request is missing.");
        ValidClientId(request.ClientRequestId, "clientRequestId");
        var conversation = await WatchAsync(request.ConversationId);
        var old = await ReplyAsync(conversation, request.ReplyId, "regenerated");
        // The new reply's id follows from the request's, so a retry finds it, stored or in flight, on any node.
        var replyId = Ids.Derived(conversation.Id, "regenerate", request.ClientRequestId);
        if (await conversations.GetMessageAsync(conversation.Id, UserId, replyId, Context.ConnectionAborted) is not null) return new ReplyResult { ReplyId = replyId };
        var alternatives = await conversations.GetSiblingsAsync(conversation.Id, UserId, old.Id, Context.ConnectionAborted) ?? [old];
        var run = NewRun(conversation, replyId, old.ParentId!, requestId: request.ClientRequestId, place: new SiblingPlace(alternatives.Count, alternatives.Count + 1));
        await StartReplyAsync(conversation, run, new TurnPrompt(old.ParentId, Pending: null));
        return new ReplyResult { ReplyId = replyId };
    }

    public async Task<ReplyResult> ContinueReply(ContinueReplyRequest request)
    {
        if (request is null) throw new HubException("The request is missing.");
        ValidClientId(request.ClientRequestId, "clientRequestId");
        var conversation = await WatchAsync(request.ConversationId);
        var placed = await conversations.GetMessageAsync(conversation.Id, UserId, ValidId(request.ReplyId, "replyId"), Context.ConnectionAborted);
        var reply = AReply(placed?.Message, "continued");
        if (reply.RequestId == request.ClientRequestId) return new ReplyResult { ReplyId = reply.Id };
        var run = NewRun(conversation, reply.Id, reply.ParentId!, requestId: request.ClientRequestId, place: placed!.Place, continues: reply);
        await StartReplyAsync(conversation, run, new TurnPrompt(reply.Id, Pending: null));
        return new ReplyResult { ReplyId = reply.Id };
    }

    public async Task<EditMessageResult> EditMessage(EditMessageRequest request)
    {
        var received = clock.GetTimestamp();
        if (request is null) throw new HubException("The request is missing.");
        var text = ValidText(request.Message);
        ValidClientId(request.ClientMessageId, "clientMessageId");
        var conversation = await WatchAsync(request.ConversationId);
        var original = await conversations.GetMessageAsync(conversation.Id, UserId, ValidId(request.MessageId, "messageId"), Context.ConnectionAborted)
            ?? throw new HubException(NoSuchMessage);
        if (original.Message.Sender == MessageValues.SenderUser)
        {
            // A new alternative of the user's message, under the same parent, and a reply to it: the new active branch.
            var alternatives = await conversations.GetSiblingsAsync(conversation.Id, UserId, original.Message.Id, Context.ConnectionAborted) ?? [original.Message];
            var parentId = original.Message.ParentId;
            var (message, _) = await SendAsync(conversation, text, request.ClientMessageId, received, _ => parentId, new SiblingPlace(alternatives.Count, alternatives.Count + 1));
            return new EditMessageResult { UserMessageId = message.Id, ReplyId = message.ReplyId };
        }

        // A character's message is edited in place; the reply being written (or continued) is not.
        if ((await replies.ActiveAsync(conversation.Id))?.ReplyId == original.Message.Id) throw new HubException(OnStreamingBranch);
        var edited = original.Message with { Text = text, Edited = true };
        if (original.Message != edited)
        {
            if (!await conversations.ChangeMessageAsync(conversation.Id, UserId, new MessageChange(edited.Id, text, clock.UtcNowMs(), Edited: true), CancellationToken.None))
            {
                throw new HubException(NoSuchMessage);
            }
            await Clients.Group(ChatGroups.Conversation(conversation.Id)).MessageEdited(new MessageEdited { ConversationId = conversation.Id, Message = edited.ToDto(original.Place) });
            if (await conversations.GetAsync(conversation.Id, UserId, CancellationToken.None) is { } current && current.LeafId == edited.Id)
            {
                await notices.UpdatedAsync(current, edited);
            }
        }
        return new EditMessageResult { MessageId = edited.Id };
    }

    public async Task<ConversationSnapshot> SelectBranch(SelectBranchRequest request)
    {
        if (request is null) throw new HubException("The request is missing.");
        var conversation = await WatchAsync(request.ConversationId);
        var messageId = ValidId(request.MessageId, "messageId");
        if (await replies.ActiveAsync(conversation.Id) is not null) throw new HubException(OnStreamingBranch);
        var leaf = await conversations.SelectBranchAsync(conversation.Id, UserId, messageId, CancellationToken.None) ?? throw new HubException(NoSuchMessage);
        var branch = await conversations.GetPathAsync(conversation.Id, UserId, leaf, settings.Value.SnapshotMessages, CancellationToken.None)
            ?? throw new HubException(NoSuchConversation);
        await Clients.Group(ChatGroups.Conversation(conversation.Id)).BranchSelected(new BranchSelected { ConversationId = conversation.Id, LeafId = leaf });
        memories.BranchChanged(conversation.Id, UserId);
        await notices.UpdatedAsync(conversation with { LeafId = leaf }, branch.Messages.LastOrDefault());
        return new ConversationSnapshot { ConversationId = conversation.Id, Messages = branch.ToDtos() };
    }

    public async Task DeleteMessage(DeleteMessageRequest request)
    {
        if (request is null) throw new HubException("The request is missing.");
        var conversation = await WatchAsync(request.ConversationId);
        var messageId = ValidId(request.MessageId, "messageId");
        // The branch of a reply in flight stays: the message it answers (and so everything before it), and a reply being continued.
        var active = await replies.ActiveAsync(conversation.Id);
        string[] keep = active is null ? [] : [active.InReplyTo, active.ReplyId];
        var before = await conversations.GetAsync(conversation.Id, UserId, Context.ConnectionAborted) ?? throw new HubException(NoSuchConversation);
        var outcome = await conversations.DeleteMessageAsync(conversation.Id, UserId, messageId, keep, CancellationToken.None) ?? throw new HubException(NoSuchConversation);
        if (outcome.Refused) throw new HubException(OnStreamingBranch);
        // Deleting what is not there (a retry, or a message deleted from another device) changes nothing and says nothing.
        if (outcome.Deleted.Count == 0) return;

        var group = Clients.Group(ChatGroups.Conversation(conversation.Id));
        await group.MessagesDeleted(new MessagesDeleted { ConversationId = conversation.Id, MessageIds = outcome.Deleted });
        memories.BranchChanged(conversation.Id, UserId);
        if (outcome.LeafId != before.LeafId)
        {
            await group.BranchSelected(new BranchSelected { ConversationId = conversation.Id, LeafId = outcome.LeafId });
            var leaf = outcome.LeafId is { } id ? (await conversations.GetMessageAsync(conversation.Id, UserId, id, CancellationToken.None))?.Message : null;
            await notices.UpdatedAsync(before with { LeafId = outcome.LeafId }, leaf);
        }
    }

    public async Task<ConversationSnapshot> WatchConversation(string conversationId)
    {
        // Join first, then read: a delta sent after the join arrives, one sent before is in the snapshot.
        var conversation = await WatchAsync(conversationId);
        var active = await replies.ActiveAsync(conversation.Id);
        var recent = await conversations.GetMessagesAsync(conversation.Id, UserId, settings.Value.SnapshotMessages, null, Context.ConnectionAborted)
            ?? throw new HubException(NoSuchConversation);
        return new ConversationSnapshot
        {
            ConversationId = conversation.Id,
            Messages = recent.ToDtos(),
            ActiveReply = active is not null && StoredSince(active, recent.Messages) ? null : active,
        };
    }

    public async Task StopReply(string replyId)
    {
        if (!Ids.IsValid(replyId) || !await replies.TryStopAsync(replyId, UserId))
        {
            throw new HubException("There is no reply in progress with that id.");
        }
    }

    private string UserId => Context.User!.UserId();

    /// <summary>
    /// Stores a user message under the parent <paramref name="parentOf"/> picks from the conversation as it is once the
    /// slot is held, and starts its reply. A retry of a message already stored is answered as the first time, even while its reply runs.
    /// </summary>
    private async Task<(StoredMessage Message, bool Appended)> SendAsync(
        Conversation conversation, string text, string clientMessageId, long received, Func<Conversation, string?> parentOf, SiblingPlace place)
    {
        var userId = UserId;
        var group = ChatGroups.Conversation(conversation.Id);
        var message = new StoredMessage(Ids.New(), MessageValues.SenderUser, text, clock.UtcNowMs(), clientMessageId, ReplyId: Ids.New());
        var run = NewRun(conversation, message.ReplyId!, message.Id, received);
        var (slot, refusal) = await TakeSlotAsync(run);
        if (slot is null)
        {
            var earlier = await conversations.FindByClientMessageIdAsync(conversation.Id, userId, clientMessageId, Context.ConnectionAborted);
            return earlier is not null ? (earlier, false) : throw new HubException(refusal);
        }

        // With the slot held no other reply can move the leaf: the message follows the branch as it is now.
        var current = await ReadHoldingAsync(slot, conversation.Id);
        var profile = await ProfileHoldingAsync(slot, current);
        message = message with { ParentId = parentOf(current) };

        // From here the slot is the turn's: it asks the model while the message commits, so the two waits
        // overlap, and shows the reply only once it hears the message is stored.
        var turn = turns.Start(slot, current, new TurnPrompt(message.ParentId, message), profile);
        var stored = false;
        try
        {
            var appended = await conversations.AppendUserMessageAsync(conversation.Id, userId, message, CancellationToken.None);
            if (appended is null)
            {
                if (await conversations.GetAsync(conversation.Id, userId, CancellationToken.None) is not null) throw new HubException(BranchGone);
                Watched.Remove(conversation.Id);
                throw new HubException(NoSuchConversation);
            }
            if (!appended.Appended)
            {
                // A retry of a stored message: its turn ends unseen. Wait until it has given the slot back, so a message sent as
                // soon as this answer arrives is not refused as "still replying".
                turn.MessageStored(false);
                await turn.Completion;
                return (appended.Message, false);
            }
            metrics.MessageReceived();
            stored = true;

            // Other devices hear of the message before the reply to it starts (the turn hears of it in the finally).
            await Clients.OthersInGroup(group).MessageAppended(new MessageAppended { ConversationId = conversation.Id, Message = message.ToDto(place) });
            return (message, true);
        }
        finally
        {
            turn.MessageStored(stored);
        }
    }

    /// <summary>Takes the conversation's slot for a reply to a stored message and starts it; a retry of the same reply in flight is answered as the first time.</summary>
    private async Task StartReplyAsync(Conversation conversation, ReplyRun run, TurnPrompt prompt)
    {
        var (slot, refusal) = await TakeSlotAsync(run);
        if (slot is null)
        {
            if ((await replies.ActiveAsync(conversation.Id))?.ReplyId == run.ReplyId) return;
            throw new HubException(refusal);
        }
        var current = await ReadHoldingAsync(slot, conversation.Id);
        turns.Start(slot, current, prompt, await ProfileHoldingAsync(slot, current));
    }

    /// <summary>
    /// Within the caller's token budget, the conversation's reply slot, then a message from the caller's quota. The slot first: a call refused because a
    /// reply is still running was never sent, so it takes no quota; the slot is given back if the quota refuses.
    /// </summary>
    private async Task<(ReplySlot? Slot, string? Refusal)> TakeSlotAsync(ReplyRun run)
    {
        // Past a token budget nothing is written and the model is not asked.
        if (await usage.RefusalAsync(Context.User!, Context.ConnectionAborted) is { } overBudget) return (null, overBudget);
        var (slot, refusal) = await replies.TryTakeAsync(run, quotas.ConcurrentRepliesFor(Context.User!));
        if (slot is null || await quotas.TryTakeMessageAsync(Context.User!) is not { } tooFast) return (slot, refusal);
        await slot.DisposeAsync();
        return (null, tooFast);
    }

    /// <summary>The conversation as it is now, read while holding its slot; the slot is given back when that fails.</summary>
    private async Task<Conversation> ReadHoldingAsync(ReplySlot slot, string conversationId)
    {
        try
        {
            if (await conversations.GetAsync(conversationId, UserId, CancellationToken.None) is { } current) return current;
        }
        catch
        {
            await slot.DisposeAsync();
            throw;
        }
        await slot.DisposeAsync();
        Watched.Remove(conversationId);
        throw new HubException(NoSuchConversation);
    }

    /// <summary>
    /// The model profile the conversation uses as it is now (a pick made over REST since it was watched counts); the slot
    /// is given back when the user's role may not use it, and nothing is written.
    /// </summary>
    private async Task<ModelProfile> ProfileHoldingAsync(ReplySlot slot, Conversation current)
    {
        string? refusal;
        try
        {
            var character = await characters.GetAsync(current.CharacterId, CancellationToken.None);
            (var profile, refusal) = models.For(Context.User!, current.ModelProfile, character?.ModelProfile);
            if (profile is not null) return profile;
        }
        catch
        {
            await slot.DisposeAsync();
            throw;
        }
        await slot.DisposeAsync();
        throw new HubException(refusal);
    }

    private ReplyRun NewRun(
        Conversation conversation, string replyId, string inReplyTo, long? received = null, string? requestId = null, SiblingPlace? place = null, StoredMessage? continues = null) =>
        new(conversation.Id, UserId, replyId, inReplyTo, continues)
        {
            ReceivedAt = received ?? clock.GetTimestamp(),
            MaxTokens = quotas.MaxTokensFor(Context.User!),
            Role = Context.User!.Role(),
            RequestId = requestId,
            Place = place ?? SiblingPlace.Only,
        };

    /// <summary>The character's reply to a user message, which <paramref name="action"/> applies to.</summary>
    private async Task<StoredMessage> ReplyAsync(Conversation conversation, string? replyId, string action) =>
        AReply((await conversations.GetMessageAsync(conversation.Id, UserId, ValidId(replyId, "replyId"), Context.ConnectionAborted))?.Message, action);

    private static StoredMessage AReply(StoredMessage? message, string action) => message switch
    {
        null => throw new HubException(NoSuchMessage),
        { Sender: MessageValues.SenderAi, ParentId: not null } => message,
        _ => throw new HubException($"Only a character's reply to a message can be {action}."),
    };

    /// <summary>
    /// The reply in flight was stored between the two reads of a snapshot: it is shown as stored, not twice. A reply being
    /// continued is stored from the start, with less text; it counts as stored once the store has as much as the snapshot.
    /// </summary>
    private static bool StoredSince(ActiveReply active, IReadOnlyList<StoredMessage> messages) =>
        messages.FirstOrDefault(m => m.Id == active.ReplyId) is { } stored
        && (stored.Text.Length > active.Text.Length || (stored.Text.Length == active.Text.Length && active.Seq >= 0));

    private string ValidText(string? text)
    {
        var max = settings.Value.MaxMessageChars;
        if (text is null || string.IsNullOrWhiteSpace(text)) throw new HubException("The message is empty.");
        if (text.Length > max) throw new HubException($"The message is too long: at most {max:N0} characters are allowed.");
        return text;
    }

    private static void ValidClientId(string? id, string name)
    {
        if (id is not { Length: > 0 and <= ChatSettings.MaxClientMessageIdChars } || string.IsNullOrWhiteSpace(id))
        {
            throw new HubException($"{name} is required and may have at most {ChatSettings.MaxClientMessageIdChars} characters.");
        }
    }

    private static string ValidId(string? id, string name) => Ids.IsValid(id) ? id! : throw new HubException($"The {name} is not valid.");

    /// <summary>
    /// Checks that the conversation is the caller's and joins its group, so this connection gets its
    /// events. Once per conversation and connection: with the backplane a join is a round trip to Redis.
    /// </summary>
    private async Task<Conversation> WatchAsync(string? conversationId)
    {
        if (!Ids.IsValid(conversationId)) throw new HubException("The conversation id is not valid.");
        var conversation = await conversations.GetAsync(conversationId!, UserId, Context.ConnectionAborted) ?? throw new HubException(NoSuchConversation);
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
}
