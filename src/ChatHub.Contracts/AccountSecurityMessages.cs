namespace ChatHub.Contracts;

/// <summary>
/// What <c>POST /api/auth/login</c> answers (200) instead of an <see cref="AuthResponse"/> when the account has
/// two-factor authentication on: the password was right, and no access token comes until a code does. It has no
/// <c>accessToken</c>, so a client that does not know it cannot mistake it for a session.
/// </summary>
public sealed record SecondFactorChallenge
{
    /// <summary>Always true: test for it to tell this answer from a session.</summary>
    public bool SecondFactorRequired { get; init; } = true;
    /// <summary>Send it with a code to <c>POST /api/auth/login/2fa</c>. Works once, until <see cref="ExpiresAt"/>.</summary>
    public required string SecondFactorToken { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>Body of <c>POST /api/auth/login/2fa</c>.</summary>
public sealed record SecondFactorLoginRequest
{
    public required string SecondFactorToken { get; init; }
    /// <summary>The authenticator's 6 digits, or one of the backup codes.</summary>
    public required string Code { get; init; }
}

/// <summary>What <c>POST /api/me/2fa/enroll</c> answers: add it to an authenticator app, then confirm with a code.</summary>
public sealed record TwoFactorSetup
{
    /// <summary>The TOTP key in base32, for typing in by hand.</summary>
    public required string Secret { get; init; }
    /// <summary><c>otpauth://totp/…</c>, for a QR code.</summary>
    public required string OtpauthUri { get; init; }
    /// <summary>The <see cref="OtpauthUri"/> as a QR code, an SVG document (show it as an image, e.g. a <c>data:image/svg+xml</c> URL).</summary>
    public string? QrSvg { get; init; }
}

/// <summary>Body of <c>POST /api/me/2fa/confirm</c>.</summary>
public sealed record TwoFactorCodeRequest
{
    /// <summary>The authenticator's 6 digits.</summary>
    public required string Code { get; init; }
}

/// <summary>
/// Body of <c>POST /api/me/2fa/enroll</c>: the current password. An account without one may leave it out within
/// <c>Auth:RecentSignInMinutes</c> of signing in.
/// </summary>
public sealed record TwoFactorEnrollRequest
{
    public string? Password { get; init; }
}

/// <summary>Body of <c>POST /api/me/2fa/disable</c>: the current password (as for enrolling) and a code.</summary>
public sealed record TwoFactorDisableRequest
{
    public string? Password { get; init; }
    /// <summary>The authenticator's 6 digits or a backup code.</summary>
    public required string Code { get; init; }
}

/// <summary>What <c>POST /api/me/2fa/confirm</c> answers. The codes are shown this once: each signs in once when the authenticator is lost.</summary>
public sealed record TwoFactorBackupCodes
{
    public required IReadOnlyList<string> BackupCodes { get; init; }
}

/// <summary>What <c>GET /api/me/2fa</c> answers.</summary>
public sealed record TwoFactorStatus
{
    public required bool Enabled { get; init; }
    public required int BackupCodesLeft { get; init; }
}

/// <summary>Body of <c>POST /api/auth/password-reset</c>.</summary>
public sealed record PasswordResetRequest
{
    public required string Email { get; init; }
}

/// <summary>Body of <c>POST /api/auth/password-reset/confirm</c>.</summary>
public sealed record PasswordResetConfirmRequest
{
    /// <summary>The token from the mail.</summary>
    public required string Token { get; init; }
    public required string NewPassword { get; init; }
}

/// <summary>Body of <c>POST /api/me/delete-request</c>: the password, or with two-factor authentication on, a code instead.</summary>
public sealed record AccountDeletionRequest
{
    public string? Password { get; init; }
    /// <summary>An authenticator code or a backup code.</summary>
    public string? Code { get; init; }
}

/// <summary>Body of <c>POST /api/auth/delete-account/confirm</c>.</summary>
public sealed record AccountDeletionConfirmRequest
{
    /// <summary>The token from the mail.</summary>
    public required string Token { get; init; }
}

/// <summary>202 answer of requests whose outcome arrives by mail.</summary>
public sealed record EmailSentResponse
{
    public required string Message { get; init; }
}

/// <summary>One signed-in device: a sign-in and the refreshes that carried it on.</summary>
public sealed record SessionDto
{
    public required string Id { get; init; }
    /// <summary>From the User-Agent of the last sign-in or refresh, e.g. <c>Firefox 133</c>; <c>Unknown</c> when it said nothing we know.</summary>
    public required string Browser { get; init; }
    /// <summary>e.g. <c>Windows</c>, <c>iOS</c>; <c>Unknown</c> likewise.</summary>
    public required string Os { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The last sign-in or refresh: a page refreshes its access token every 15 minutes while open.</summary>
    public required DateTimeOffset LastUsedAt { get; init; }
    /// <summary>The session the caller's access token belongs to.</summary>
    public required bool Current { get; init; }
}

public sealed record SessionsRevokedResponse
{
    public required int Revoked { get; init; }
}

/// <summary>What an admin sees of one user: the account and how many sessions it has on.</summary>
public sealed record AdminUserDto
{
    public required UserDto User { get; init; }
    public required int Sessions { get; init; }
}
