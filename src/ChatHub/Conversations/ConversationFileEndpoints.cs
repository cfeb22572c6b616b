using System.Security.Claims;
using System.Text;
using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Chat;
using ChatHub.Contracts;
using ChatHub.Conversations.Files;
using ChatHub.Infrastructure;
using ChatHub.Quotas;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChatHub.Conversations;

/// <summary>Conversations out (our JSON with the whole tree, or Markdown of the active branch) and in (our JSON, or a SillyTavern chat).</summary>
public static class ConversationFileEndpoints
{
    public const string Json = "json";
    public const string Markdown = "markdown";

    public static IEndpointRouteBuilder MapConversationFiles(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Routes.Conversations).WithTags("Conversations");
        // Signed in by bearer token, never by cookie: a form posted from another site carries no token.
        group.MapPost("/import", ImportAsync).DisableAntiforgery().RequireRateLimiting(QuotaExtensions.ConversationsPolicy);
        group.MapGet("/{id}/export", ExportAsync);
        return app;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> ExportAsync(
        string id, string? format, ClaimsPrincipal user, IConversationStore store, CharacterCache characters, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || await store.GetAsync(id, user.UserId(), ct) is not { } conversation
            || await store.GetAllMessagesAsync(id, user.UserId(), ct) is not { } messages)
        {
            return ConversationEndpoints.NotFound();
        }
        var character = (await characters.GetAsync(conversation.CharacterId, ct))?.ToListed();
        var name = DownloadNames.Of(conversation.Title ?? character?.Name, "conversation");
        switch (format ?? Json)
        {
            case Json:
                var export = ConversationJson.Write(ConversationJson.Export(conversation, messages, character));
                return TypedResults.File(export, "application/json", $"{name}.json");
            case Markdown:
                var markdown = ConversationMarkdown.Write(conversation, messages, character?.Name ?? "Character", user.FindFirstValue(ClaimNames.Name) ?? "You");
                return TypedResults.File(Encoding.UTF8.GetBytes(markdown), "text/markdown; charset=utf-8", $"{name}.md");
            default:
                return Problems.BadRequest("format must be json or markdown.");
        }
    }

    /// <summary>
    /// The file is the body or a form's first file. The conversation is the caller's, with the character <paramref name="characterId"/>
    /// names (else the one our JSON names: a SillyTavern chat names a character only by name, which is not matched), written whole in
    /// one store write: a file with anything wrong writes nothing.
    /// </summary>
    private static async Task<Results<Created<ConversationDto>, ProblemHttpResult>> ImportAsync(
        HttpRequest request, string? characterId, ClaimsPrincipal user, ICharacterStore characters, IConversationStore store, IQuotaService quotas,
        IOptions<ChatSettings> chat, TimeProvider clock, CancellationToken ct)
    {
        var (file, uploadProblem) = await Uploads.ReadAsync(request, ImportLimits.MaxFileBytes, ct);
        if (file is null) return Problems.BadRequest(uploadProblem!);
        var now = clock.UtcNowMs();
        var (imported, problem) = ConversationFiles.Read(file, new ImportLimits(chat.Value.MaxMessageChars), now);
        if (imported is null) return Problems.BadRequest(problem!);
        if ((characterId ?? imported.CharacterId) is not { } chosen)
        {
            return Problems.BadRequest("Name the character to import this chat into: characterId is required for a SillyTavern chat.");
        }
        var (character, refused) = await ConversationEndpoints.CanStartAsync(chosen, user, characters, store, quotas, ct);
        if (character is null) return refused!;

        var conversation = new Conversation(Ids.New(), user.UserId(), character.Id, now, now) { Title = imported.Title, LeafId = imported.LeafId };
        await store.CreateAsync(conversation, imported.Messages, ct);
        var leaf = imported.Messages.First(m => m.Id == imported.LeafId);
        return TypedResults.Created(Routes.Conversation(conversation.Id), conversation.ToDto(leaf) with { Character = character.ToListed() });
    }
}
