using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Security.Claims;

namespace ChatHub.Conversations;

public static class ConversationEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.Conversations).WithTags("Conversations");
        group.MapPost("/", CreateAsync).RequireRateLimiting(QuotaExtensions.ConversationsPolicy);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}/messages", MessagesAsync);
        group.MapDelete("/{id}", DeleteAsync);
        return app;
    }

    private static async Task<Results<Created<ConversationDto>, ProblemHttpResult>> CreateAsync(
        CreateConversationRequest request, ClaimsPrincipal user, ICharacterStore characters, IConversationStore store,
        IQuotaService quotas, TimeProvider clock, CancellationToken ct)
    {
        // Others' private characters and deleted ones look missing; a hidden one takes no new conversations.
        if (!Ids.IsValid(request.CharacterId) || await characters.GetAsync(request.CharacterId, ct) is not { } character || !user.CanSee(character))
        {
            return Problems.BadRequest("There is no character with that id.");
        }
        if (!user.CanStartConversation(character)) return Problems.BadRequest("This character takes no new conversations.");
        // Counted, then created: requests racing past the count can exceed it by a few; the rate limit bounds how many.
        if (quotas.ConversationsFor(user) is { } max && (await store.ListAsync(user.UserId(), ct)).Count >= max)
        {
            return Problems.Forbidden($"Your plan allows {max} conversations. Delete one to start another.");
        }
        var now = clock.UtcNowMs();
        var conversation = new Conversation(Ids.New(), user.UserId(), request.CharacterId, now, now);
        await store.CreateAsync(conversation, ct);
        await characters.CountConversationStartedAsync(character.Id, ct);
        return TypedResults.Created(Routes.Conversation(conversation.Id), conversation.ToDto());
    }

    private static async Task<Ok<ConversationDto[]>> ListAsync(ClaimsPrincipal user, IConversationStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(user.UserId(), ct)).Select(c => c.ToDto()).ToArray());

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> MessagesAsync(
        string id, int? limit, string? before, ClaimsPrincipal user, IConversationStore store, CancellationToken ct)
    {
        if (limit is < 1 or > MaxPageSize) return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        if (before is not null && !Ids.IsValid(before)) return Problems.BadRequest("before must be the id of a message.");
        if (!Ids.IsValid(id) || await store.GetMessagesAsync(id, user.UserId(), limit ?? DefaultPageSize, before, ct) is not { } slice)
        {
            return NotFound();
        }
        return TypedResults.Ok(new MessagePage { Messages = slice.Messages.Select(m => m.ToDto()).ToArray(), HasMore = slice.HasMore });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, IConversationStore store, IConversationEvents events, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || !await store.DeleteAsync(id, user.UserId(), ct)) return NotFound();
        events.Deleted(id);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NotFound() => Problems.NotFound("There is no conversation with that id.");
}

/// <summary>Lets the chat feature hear of a deleted conversation (to stop its reply) without REST knowing the hub.</summary>
public interface IConversationEvents
{
    void Deleted(string conversationId);
}

public static class ConversationMapping
{
    public static ConversationDto ToDto(this Conversation c) =>
        new() { Id = c.Id, CharacterId = c.CharacterId, CreatedAt = c.CreatedAt, UpdatedAt = c.UpdatedAt };

    public static MessageDto ToDto(this StoredMessage m) => new()
    {
        Id = m.Id,
        Sender = m.Sender,
        Message = m.Text,
        Timestamp = m.Timestamp,
        Status = m.Status,
        ClientMessageId = m.ClientMessageId,
        InReplyTo = m.InReplyTo,
        Error = m.Error,
        Usage = m.Usage is { } u ? new UsageDto { PromptTokens = u.PromptTokens, CompletionTokens = u.CompletionTokens, Model = u.Model, TimeToFirstTokenMs = u.TimeToFirstTokenMs } : null,
    };
}
