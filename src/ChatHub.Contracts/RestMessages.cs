using System.Text.Json.Nodes;

namespace ChatHub.Contracts;

public sealed record RegisterRequest
{
    public required string Email { get; init; }
    public required string Password { get; init; }
    public string? Name { get; init; }
}

public sealed record LoginRequest
{
    public required string Email { get; init; }
    public required string Password { get; init; }
}

public sealed record UserDto
{
    public required string Id { get; init; }
    public required string Email { get; init; }
    public required string Name { get; init; }
    /// <summary><c>free</c>, <c>paid</c> or <c>admin</c>.</summary>
    public required string Role { get; init; }
    /// <summary>Who the user is in role-play (<c>PATCH /api/me</c>); empty when not set.</summary>
    public string Persona { get; init; } = "";
}

/// <summary>A session: a short-lived access token and the refresh token that gets the next one.</summary>
public sealed record AuthResponse
{
    public required string AccessToken { get; init; }
    /// <summary>When <see cref="AccessToken"/> stops working; refresh before then.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
    public required UserDto User { get; init; }
    /// <summary>Single use: <c>POST /api/auth/refresh</c> answers with a new pair. Keep it secret, like a password.</summary>
    public required string RefreshToken { get; init; }
    public required DateTimeOffset RefreshTokenExpiresAt { get; init; }
}

/// <summary>Body of <c>POST /api/auth/refresh</c> and <c>POST /api/auth/logout</c>.</summary>
public sealed record RefreshTokenRequest
{
    public required string RefreshToken { get; init; }
}

/// <summary>Body of <c>PATCH /api/me</c>.</summary>
public sealed record UpdateProfileRequest
{
    public required string Name { get; init; }
    /// <summary>Who the user is in role-play, told to the model with every reply; left out: unchanged.</summary>
    public string? Persona { get; init; }
}

/// <summary>Body of <c>POST /api/me/password</c>.</summary>
public sealed record ChangePasswordRequest
{
    public required string CurrentPassword { get; init; }
    public required string NewPassword { get; init; }
}

/// <summary>Body of an admin's <c>PUT /api/admin/users/{id}/role</c>.</summary>
public sealed record SetRoleRequest
{
    /// <summary><c>free</c>, <c>paid</c> or <c>admin</c>.</summary>
    public required string Role { get; init; }
}

/// <summary>A page of users in order of sign-up. Pass the last user's id as <c>after</c> for the next page.</summary>
public sealed record UserPage
{
    public required IReadOnlyList<UserDto> Users { get; init; }
    public required bool HasMore { get; init; }
}

public sealed record PersonalityDto
{
    public required IReadOnlyList<string> Traits { get; init; }
    public required IReadOnlyList<string> KnowledgeBase { get; init; }
}

public sealed record AiSettingsDto
{
    public required double Temperature { get; init; }
    public required int MaxTokens { get; init; }
}

/// <summary>A character: the seed's fields plus those of a character card (V2/V3), its owner and visibility.</summary>
public sealed record CharacterDto
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required PersonalityDto Personality { get; init; }
    public required AiSettingsDto AiSettings { get; init; }
    /// <summary>Null for the built-in characters.</summary>
    public string? OwnerId { get; init; }
    /// <summary><see cref="CharacterVisibility"/>: <c>private</c>, <c>unlisted</c> or <c>public</c>.</summary>
    public string Visibility { get; init; } = CharacterVisibility.Public;
    /// <summary>Hidden by an admin: out of the catalogue, no new conversations.</summary>
    public bool Hidden { get; init; }
    public string Scenario { get; init; } = "";
    /// <summary>The character's first message (card <c>first_mes</c>).</summary>
    public string Greeting { get; init; } = "";
    public IReadOnlyList<string> AlternateGreetings { get; init; } = [];
    /// <summary>Card <c>mes_example</c>.</summary>
    public string ExampleDialogue { get; init; } = "";
    public string SystemPrompt { get; init; } = "";
    public string PostHistoryInstructions { get; init; } = "";
    /// <summary>For people, never sent to the model.</summary>
    public string CreatorNotes { get; init; } = "";
    public IReadOnlyList<string> Tags { get; init; } = [];
    public string Creator { get; init; } = "";
    public string CharacterVersion { get; init; } = "";
    /// <summary>The card's <c>character_book</c>, as the card spec shapes it (snake_case keys); null when there is none.</summary>
    public JsonObject? Lorebook { get; init; }
    /// <summary>The card's <c>extensions</c>, kept verbatim.</summary>
    public JsonObject Extensions { get; init; } = [];
    /// <summary>The avatar's URL (changes when the avatar does); null when there is none.</summary>
    public string? Avatar { get; init; }
    /// <summary>Conversations started with the character: its popularity.</summary>
    public long ConversationsStarted { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The model profile (<c>Llm:Models:{name}</c>) its conversations use unless they pick one; null for the default profile.</summary>
    public string? ModelProfile { get; init; }
}

/// <summary>
/// Body of a create or update of a character. On update, the fields after <see cref="AiSettings"/> keep
/// their stored value when left out (null), so an editor that does not know a field never drops it.
/// </summary>
public sealed record CharacterRequest
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    /// <summary>Left out on create: no traits or knowledge.</summary>
    public PersonalityDto? Personality { get; init; }
    /// <summary>Left out on create: temperature 0.8, 500 tokens.</summary>
    public AiSettingsDto? AiSettings { get; init; }
    /// <summary>Left out on create: <c>private</c>.</summary>
    public string? Visibility { get; init; }
    public string? Scenario { get; init; }
    public string? Greeting { get; init; }
    public IReadOnlyList<string>? AlternateGreetings { get; init; }
    public string? ExampleDialogue { get; init; }
    public string? SystemPrompt { get; init; }
    public string? PostHistoryInstructions { get; init; }
    public string? CreatorNotes { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    public string? Creator { get; init; }
    public string? CharacterVersion { get; init; }
    public JsonObject? Lorebook { get; init; }
    public JsonObject? Extensions { get; init; }
    /// <summary>A configured model profile the owner's role may use; <c>""</c> goes back to the default profile.</summary>
    public string? ModelProfile { get; init; }
}

public sealed record CreateConversationRequest
{
    public required string CharacterId { get; init; }
    /// <summary>The model profile the conversation uses instead of its character's; it must be one the user's role may use.</summary>
    public string? ModelProfile { get; init; }
}

public sealed record ConversationDto
{
    public required string Id { get; init; }
    public required string CharacterId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The model's title after the first exchange, or the user's; until then the start of the first user message (null before one).</summary>
    public string? Title { get; init; }
    /// <summary>The last message of the active branch; null while there are none.</summary>
    public string? LeafId { get; init; }
    /// <summary>The active branch's last message, shortened; null when not known or there is none.</summary>
    public LastMessagePreview? LastMessage { get; init; }
    /// <summary>The model profile the user picked for this conversation; null when it uses its character's.</summary>
    public string? ModelProfile { get; init; }
    /// <summary>Who the conversation is with, in lists (<c>GET /api/conversations</c>) and imports; null elsewhere.</summary>
    public ConversationCharacter? Character { get; init; }
    /// <summary>In a search (<c>?query=</c>) only: where the words were found.</summary>
    public SearchMatch? Match { get; init; }
}

/// <summary>The character of a conversation, enough to show it in a list.</summary>
public sealed record ConversationCharacter
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    /// <summary>The avatar's URL; null when there is none.</summary>
    public string? Avatar { get; init; }
}

/// <summary>Where a search found every word: a message (the latest written that holds them all, on any branch) or, with no <see cref="MessageId"/>, the title.</summary>
public sealed record SearchMatch
{
    public string? MessageId { get; init; }
    /// <summary>The text around the first word found, on one line, at most about 160 characters, with "…" where cut.</summary>
    public required string Snippet { get; init; }
}

/// <summary>
/// <c>GET /api/conversations/{id}/export?format=json</c>, and what <c>POST /api/conversations/import</c> reads back:
/// the whole tree, every message with its <c>parentId</c>, in the order written.
/// </summary>
public sealed record ConversationExport
{
    /// <summary>Always <see cref="FormatName"/>: how an import knows the file.</summary>
    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = 1;
    public required string Id { get; init; }
    public required string CharacterId { get; init; }
    public ConversationCharacter? Character { get; init; }
    public string? Title { get; init; }
    public string? LeafId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required IReadOnlyList<MessageDto> Messages { get; init; }

    public const string FormatName = "characterchat.conversation";
}

public sealed record LastMessagePreview
{
    public required string Sender { get; init; }
    /// <summary>The start of its text, at most 120 characters.</summary>
    public required string Preview { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
}

/// <summary>Body of <c>PATCH /api/conversations/{id}</c>: what it leaves out (null) stays as it was; at least one field.</summary>
public sealed record RenameConversationRequest
{
    public string? Title { get; init; }
    /// <summary>A model profile the user's role may use; <c>""</c> goes back to the character's.</summary>
    public string? ModelProfile { get; init; }
}

/// <summary>
/// A conversation's memory (<c>GET</c>/<c>PUT /api/conversations/{id}/memory</c>): the rolling summary of the part of its
/// active branch that no longer fits a prompt, which every prompt carries before the recent messages.
/// </summary>
public sealed record ConversationMemoryDto
{
    /// <summary>Empty until something is summarised (or the user writes one).</summary>
    public required string Summary { get; init; }
    /// <summary>The last message the summary covers; null when it covers none (e.g. the user wrote it first).</summary>
    public string? ThroughMessageId { get; init; }
    /// <summary>Off: no summary is written or sent for this conversation.</summary>
    public required bool Enabled { get; init; }
    /// <summary>When it was last written; null before.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>Body of <c>PUT /api/conversations/{id}/memory</c>: what it leaves out (null) stays as it was; at least one field.</summary>
public sealed record UpdateConversationMemoryRequest
{
    /// <summary>The summary as the user wants it (at most 4,000 characters); <c>""</c> drops it, and it is written again from the start.</summary>
    public string? Summary { get; init; }
    public bool? Enabled { get; init; }
}

/// <summary>A page of messages, oldest first. Pass the first message's id as <c>before</c> for the page before it.</summary>
public sealed record MessagePage
{
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    public required bool HasMore { get; init; }
}
