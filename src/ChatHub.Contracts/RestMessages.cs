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
