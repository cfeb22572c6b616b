using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Llm;
using ChatHub.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ChatHub.Chat;

/// <summary>What every <see cref="ReplyTurn"/> needs; the hub starts turns through it.</summary>
public sealed class ReplyTurns(
    IHubContext<CharacterChatHub, IChatHubClient> hub,
    IConversationStore conversations,
    CharacterCache characters,
    PromptBuilder prompts,
    UserPersonas personas,
    IReplyRegistry registry,
    ReplyEnding ending,
    ConversationNotices notices,
    ConversationTitleWriter titles,
    ConversationMemoryWriter memories,
    IOptions<ChatSettings> settings,
    ChatMetrics metrics,
    TimeProvider clock,
    ILogger<ReplyTurn> logger)
{
    internal IHubContext<CharacterChatHub, IChatHubClient> Hub => hub;
    internal IConversationStore Conversations => conversations;
    internal CharacterCache Characters => characters;
    internal PromptBuilder Prompts => prompts;
    internal UserPersonas Personas => personas;
    internal IReplyRegistry Registry => registry;
    internal ReplyEnding Ending => ending;
    internal ConversationNotices Notices => notices;
    internal ConversationTitleWriter Titles => titles;
    internal ConversationMemoryWriter Memories => memories;
    internal ChatSettings Settings => settings.Value;
    internal ChatMetrics Metrics => metrics;
    internal TimeProvider Clock => clock;
    internal ILogger<ReplyTurn> Logger => logger;

    /// <summary>
    /// Starts the turn that <paramref name="prompt"/> asks for. A new user message may still be committing: the
    /// model is asked at once, so its wait and the commit's overlap. The turn owns <paramref name="slot"/> from here.
    /// </summary>
    /// <param name="profile">The model profile that writes the reply (and the conversation's title).</param>
    public ReplyTurn Start(ReplySlot slot, Conversation conversation, TurnPrompt prompt, ModelProfile profile) => new(slot, conversation, prompt, profile, this);
}
