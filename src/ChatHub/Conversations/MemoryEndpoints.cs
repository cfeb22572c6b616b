using System.Security.Claims;
using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatHub.Conversations;

/// <summary><c>GET</c>/<c>PUT /api/conversations/{id}/memory</c>: the user reads and edits the rolling summary, or switches it off.</summary>
public static class MemoryEndpoints
{
    public static RouteGroupBuilder MapMemory(this RouteGroupBuilder conversations)
    {
        conversations.MapGet("/{id}/memory", GetAsync);
        conversations.MapPut("/{id}/memory", PutAsync);
        return conversations;
    }

    private static async Task<Results<Ok<ConversationMemoryDto>, ProblemHttpResult>> GetAsync(
        string id, ClaimsPrincipal user, IConversationStore store, CancellationToken ct) =>
        Ids.IsValid(id) && await store.GetAsync(id, user.UserId(), ct) is { } conversation ? TypedResults.Ok(ToDto(conversation.Memory)) : NotFound();

    private static async Task<Results<Ok<ConversationMemoryDto>, ProblemHttpResult>> PutAsync(
        string id, UpdateConversationMemoryRequest request, ClaimsPrincipal user, IConversationStore store, TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || await store.GetAsync(id, user.UserId(), ct) is not { } conversation) return NotFound();
        if (request.Summary is null && request.Enabled is null) return Problems.BadRequest("Send a summary, enabled, or both.");
        var summary = request.Summary?.Trim();
        if (summary is { Length: > SummaryPrompt.MaxChars }) return Problems.BadRequest($"The summary may have at most {SummaryPrompt.MaxChars:N0} characters.");
        var memory = conversation.Memory;
        var changed = memory with
        {
            Summary = summary ?? memory.Summary,
            // An emptied summary covers nothing: the next fold writes it again from the start of the branch.
            ThroughId = summary is { Length: 0 } ? null : memory.ThroughId,
            Enabled = request.Enabled ?? memory.Enabled,
            UpdatedAt = clock.GetUtcNow(),
        };
        if (!await store.SetMemoryAsync(id, user.UserId(), changed, ct)) return NotFound();
        return TypedResults.Ok(ToDto(changed));
    }

    private static ConversationMemoryDto ToDto(ConversationMemory memory) => new()
    {
        Summary = memory.Summary,
        ThroughMessageId = memory.ThroughId,
        Enabled = memory.Enabled,
        UpdatedAt = memory == ConversationMemory.None ? null : memory.UpdatedAt,
    };

    private static ProblemHttpResult NotFound() => Problems.NotFound("There is no conversation with that id.");
}
