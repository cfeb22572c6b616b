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
}

public sealed record AuthResponse
{
    public required string AccessToken { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public required UserDto User { get; init; }
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

public sealed record CharacterDto
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required PersonalityDto Personality { get; init; }
    public required AiSettingsDto AiSettings { get; init; }
}

/// <summary>Body of an admin's create or update of a character.</summary>
public sealed record CharacterRequest
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required PersonalityDto Personality { get; init; }
    public required AiSettingsDto AiSettings { get; init; }
}

public sealed record CreateConversationRequest
{
    public required string CharacterId { get; init; }
}

public sealed record ConversationDto
{
    public required string Id { get; init; }
    public required string CharacterId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A page of messages, oldest first. Pass the first message's id as <c>before</c> for the page before it.</summary>
public sealed record MessagePage
{
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    public required bool HasMore { get; init; }
}
