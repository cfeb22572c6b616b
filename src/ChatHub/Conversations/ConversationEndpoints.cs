using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Infrastructure;
using ChatHub.Llm;
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
        group.MapGet("/{id}/messages/{messageId}/alternatives", AlternativesAsync);
        group.MapPatch("/{id}", RenameAsync);
        group.MapDelete("/{id}", DeleteAsync);
        app.MapConversationFiles();
        group.MapMemory();
        return app;
    }

    private static async Task<Results<Created<ConversationDto>, ProblemHttpResult>> CreateAsync(
        CreateConversationRequest request, ClaimsPrincipal user, ICharacterStore characters, IConversationStore store,
        IQuotaService quotas, ModelChoice models, UserPersonas personas, TimeProvider clock, CancellationToken ct)
    {
        var (character, refused) = await CanStartAsync(request.CharacterId, user, characters, store, quotas, ct);
        if (character is null) return refused!;
        var picked = string.IsNullOrEmpty(request.ModelProfile) ? null : request.ModelProfile;
        if ((models.Check(user, picked) ?? models.For(user, picked, character.ModelProfile).Refusal) is { } refusal) return Problems.BadRequest(refusal);
        var now = clock.UtcNowMs();
        // It opens with the character's greeting, its alternatives as swipeable siblings, all written with the conversation.
        var greetings = CardPrompt.Greetings(character, await personas.GetAsync(user.UserId(), ct));
        StoredMessage[] opening = [.. greetings.Select(g => new StoredMessage(Ids.New(), MessageValues.SenderAi, g, now, Status: MessageValues.StatusComplete))];
        var conversation = new Conversation(Ids.New(), user.UserId(), request.CharacterId, now, now)
        {
            LeafId = opening.FirstOrDefault()?.Id,
            ModelProfile = models.Named(picked),
        };
        await store.CreateAsync(conversation, opening, ct);
        await characters.CountConversationStartedAsync(character.Id, ct);
        return TypedResults.Created(Routes.Conversation(conversation.Id), conversation.ToDto(opening.FirstOrDefault()));
    }

    /// <summary>
    /// The character a new conversation (started or imported) is with, when the caller may start one with it: others' private
    /// characters and deleted ones look missing, a hidden one takes no new conversations, and the role's quota holds.
    /// </summary>
    public static async Task<(Character? Character, ProblemHttpResult? Refused)> CanStartAsync(
        string? characterId, ClaimsPrincipal user, ICharacterStore characters, IConversationStore store, IQuotaService quotas, CancellationToken ct)
    {
        if (!Ids.IsValid(characterId) || await characters.GetAsync(characterId!, ct) is not { } character || !user.CanSee(character))
        {
            return (null, Problems.BadRequest("There is no character with that id."));
        }
        if (!user.CanStartConversation(character)) return (null, Problems.BadRequest("This character takes no new conversations."));
        // Counted, then created: requests racing past the count can exceed it by a few; the rate limit bounds how many.
        if (quotas.ConversationsFor(user) is { } max && (await store.ListAsync(user.UserId(), ct)).Count >= max)
        {
            return (null, Problems.Forbidden($"Your plan allows {max} conversations. Delete one to start another."));
        }
        return (character, null);
    }

    /// <summary>The query string of the list.</summary>
    public sealed record ListRequest(string? Query, string? Cursor, int? Limit);

    /// <summary>
    /// An array, as before there was paging (by default as long as the longest page, so a client that knows no paging still gets a free
    /// or paid user's every conversation); the next page's URL is in the <c>Link</c> header (rel="next"), its cursor opaque.
    /// </summary>
    private static async Task<Results<Ok<ConversationDto[]>, ProblemHttpResult>> ListAsync(
        [AsParameters] ListRequest request, ClaimsPrincipal user, IConversationStore store, CharacterCache characters, HttpResponse response, CancellationToken ct)
    {
        if (request.Limit is < 1 or > MaxPageSize) return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        if (request.Query?.Length > ConversationSearch.MaxQueryChars) return Problems.BadRequest($"query may have at most {ConversationSearch.MaxQueryChars} characters.");
        CatalogueCursor? after = null;
        if (request.Cursor is not null && (after = CatalogueCursors.Read(request.Cursor)) is null) return Problems.BadRequest("The cursor is not one this list gave.");
        var words = SearchWords.Of(request.Query);
        if (words.Count > SearchWords.MaxWords) return Problems.BadRequest($"Search for at most {SearchWords.MaxWords} words.");

        var page = await store.ListPageAsync(new ConversationListQuery(user.UserId(), words, after, request.Limit ?? MaxPageSize), ct);
        if (page.Next is { } next)
        {
            response.Headers.Link = $"<{Routes.ConversationList(request.Query, CatalogueCursors.Write(next), request.Limit)}>; rel=\"next\"";
        }
        var listed = new List<ConversationDto>(page.Conversations.Count);
        foreach (var found in page.Conversations)
        {
            var character = await characters.GetAsync(found.Conversation.CharacterId, ct);
            listed.Add(found.Conversation.ToDto(found.Leaf) with
            {
                Character = character?.ToListed(),
                Match = found.Match is { } match ? new SearchMatch { MessageId = match.MessageId, Snippet = ConversationSearch.Snippet(match.Text, words) } : null,
            });
        }
        return TypedResults.Ok(listed.ToArray());
    }

    private static async Task<Results<Ok<MessagePage>, ProblemHttpResult>> MessagesAsync(
        string id, int? limit, string? before, ClaimsPrincipal user, IConversationStore store, CancellationToken ct)
    {
        if (limit is < 1 or > MaxPageSize) return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        if (before is not null && !Ids.IsValid(before)) return Problems.BadRequest("before must be the id of a message.");
        if (!Ids.IsValid(id) || await store.GetMessagesAsync(id, user.UserId(), limit ?? DefaultPageSize, before, ct) is not { } slice)
        {
            return NotFound();
        }
        return TypedResults.Ok(new MessagePage { Messages = slice.ToDtos(), HasMore = slice.HasMore });
    }

    /// <summary>The message and its alternatives, in the order they were written.</summary>
    private static async Task<Results<Ok<MessageDto[]>, ProblemHttpResult>> AlternativesAsync(
        string id, string messageId, ClaimsPrincipal user, IConversationStore store, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || await store.GetAsync(id, user.UserId(), ct) is null) return NotFound();
        if (!Ids.IsValid(messageId) || await store.GetSiblingsAsync(id, user.UserId(), messageId, ct) is not { } siblings)
        {
            return Problems.NotFound("There is no message with that id in this conversation.");
        }
        return TypedResults.Ok(siblings.Select((m, i) => m.ToDto(new SiblingPlace(i, siblings.Count))).ToArray());
    }

    /// <summary>Renames the conversation, picks its model profile, or both; checked whole before anything is written.</summary>
    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> RenameAsync(
        string id, RenameConversationRequest request, ClaimsPrincipal user, IConversationStore store, IConversationUpdates updates,
        ModelChoice models, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || await store.GetAsync(id, user.UserId(), ct) is null) return NotFound();
        if (request.Title is null && request.ModelProfile is null) return Problems.BadRequest("Send a title, a modelProfile, or both.");
        var (title, refusal) = request.Title is null ? (null, null) : ConversationTitles.Check(request.Title);
        if (request.Title is not null && title is null) return Problems.BadRequest(refusal!);
        if (models.Check(user, request.ModelProfile) is { } refused) return Problems.BadRequest(refused);
        var written = (title is null || await store.SetTitleAsync(id, user.UserId(), title, onlyIfUntitled: false, ct))
            && (request.ModelProfile is not { } picked || await store.SetModelProfileAsync(id, user.UserId(), models.Named(picked), ct));
        if (!written) return NotFound();
        if (await store.GetAsync(id, user.UserId(), ct) is not { } changed) return NotFound();
        await updates.UpdatedAsync(changed, leaf: null);
        return TypedResults.Ok(changed.ToDto());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string id, ClaimsPrincipal user, IConversationStore store, IConversationEvents events, CancellationToken ct)
    {
        if (!Ids.IsValid(id) || !await store.DeleteAsync(id, user.UserId(), ct)) return NotFound();
        events.Deleted(id);
        return TypedResults.NoContent();
    }

    public static ProblemHttpResult NotFound() => Problems.NotFound("There is no conversation with that id.");
}

/// <summary>Tells the user's devices that a conversation's title, leaf or last message changed (the chat feature sends it over the hub).</summary>
public interface IConversationUpdates
{
    /// <param name="leaf">The active branch's last message, when known.</param>
    /// <param name="firstUserText">The first user message, whose start is the title until the model's is stored.</param>
    Task UpdatedAsync(Conversation conversation, StoredMessage? leaf, string? firstUserText = null);
}

/// <summary>Lets the chat feature hear of a deleted conversation (to stop its reply) without REST knowing the hub.</summary>
public interface IConversationEvents
{
    void Deleted(string conversationId);
}

public static class ConversationMapping
{
    public const int PreviewChars = 120;

    /// <param name="leaf">The active branch's last message, when known: the preview, and the title until the conversation has one.</param>
    /// <param name="firstUserText">The first user message's text: the title until the model's.</param>
    public static ConversationDto ToDto(this Conversation c, StoredMessage? leaf = null, string? firstUserText = null) => new()
    {
        Id = c.Id,
        CharacterId = c.CharacterId,
        CreatedAt = c.CreatedAt,
        UpdatedAt = leaf is null || leaf.Timestamp < c.UpdatedAt ? c.UpdatedAt : leaf.Timestamp,
        Title = c.Title ?? (firstUserText is null ? null : Shorten(firstUserText, ConversationTitles.MaxChars)),
        LeafId = leaf?.Id ?? c.LeafId,
        LastMessage = leaf is null ? null : new LastMessagePreview { Sender = leaf.Sender, Preview = Shorten(leaf.Text, PreviewChars), Timestamp = leaf.Timestamp },
        ModelProfile = c.ModelProfile,
    };

    /// <summary>The start of a text on one line, cut at a word where one is near, with an ellipsis when cut.</summary>
    public static string Shorten(string text, int max)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= max) return line;
        var cut = line.LastIndexOf(' ', max - 1);
        return (cut > max / 2 ? line[..cut] : line[..(max - 1)]) + "…";
    }

    public static ConversationCharacter ToListed(this Character c) => new() { Id = c.Id, Name = c.Name, Avatar = c.AvatarUrl() };

    public static MessageDto ToDto(this PlacedMessage m) => m.Message.ToDto(m.Place);

    public static MessageDto ToDto(this StoredMessage m, SiblingPlace? place = null) => new()
    {
        Id = m.Id,
        Sender = m.Sender,
        Message = m.Text,
        Timestamp = m.Timestamp,
        Status = m.Status,
        ClientMessageId = m.ClientMessageId,
        InReplyTo = m.InReplyTo,
        Error = m.Error,
        ParentId = m.ParentId,
        SiblingIndex = (place ?? SiblingPlace.Only).Index,
        SiblingCount = (place ?? SiblingPlace.Only).Count,
        Edited = m.Edited ? true : null,
        Usage = m.Usage is { } u ? new UsageDto { PromptTokens = u.PromptTokens, CompletionTokens = u.CompletionTokens, Model = u.Model, TimeToFirstTokenMs = u.TimeToFirstTokenMs } : null,
    };

    public static MessageDto[] ToDtos(this MessageSlice slice) => [.. slice.Placed.Select(ToDto)];
}
