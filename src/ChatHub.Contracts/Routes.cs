namespace ChatHub.Contracts;

/// <summary>Public URLs of the service. Renaming one breaks clients.</summary>
public static partial class Routes
{
    public const string ChatHub = "/hubs/chat";
    public const string Register = "/api/auth/register";
    public const string Login = "/api/auth/login";
    public const string Refresh = "/api/auth/refresh";
    public const string Logout = "/api/auth/logout";
    public const string Me = "/api/me";
    public const string MyPassword = "/api/me/password";
    public const string LoginSecondFactor = "/api/auth/login/2fa";
    public const string MyTwoFactor = "/api/me/2fa";
    public const string MyTwoFactorEnroll = "/api/me/2fa/enroll";
    public const string MyTwoFactorConfirm = "/api/me/2fa/confirm";
    public const string MyTwoFactorDisable = "/api/me/2fa/disable";
    public const string PasswordReset = "/api/auth/password-reset";
    public const string PasswordResetConfirm = "/api/auth/password-reset/confirm";
    public const string MyDeletionRequest = "/api/me/delete-request";
    public const string MySessions = "/api/me/sessions";
    public const string MySessionsRevokeOthers = "/api/me/sessions/revoke-others";
    public const string DeleteAccountConfirm = "/api/auth/delete-account/confirm";
    public const string AdminUsers = "/api/admin/users";
    public const string MyUsage = "/api/me/usage";
    public const string AdminUsage = "/api/admin/usage";
    public const string Characters = "/api/characters";
    public const string Conversations = "/api/conversations";
    public const string HealthLive = "/health/live";
    public const string HealthReady = "/health/ready";
    /// <summary>Each model profile's circuit breaker, as JSON: <c>{status, models: {name: state}}</c>.</summary>
    public const string HealthModels = "/health/models";

    public static string Character(string id) => $"{Characters}/{Uri.EscapeDataString(id)}";
    public static string Conversation(string id) => $"{Conversations}/{Uri.EscapeDataString(id)}";
    public static string ConversationMemory(string id) => $"{Conversation(id)}/memory";

    public static string MySession(string sessionId) => $"{MySessions}/{Uri.EscapeDataString(sessionId)}";

    public static string AdminUser(string userId) => $"{AdminUsers}/{Uri.EscapeDataString(userId)}";

    public static string UserRole(string userId) => $"{AdminUser(userId)}/role";

    public static string Users(int? limit = null, string? after = null, string? query = null) =>
        WithQuery(AdminUsers, ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("after", after), ("query", query));

    public static string Messages(string conversationId, int? limit = null, string? before = null)
        => WithQuery($"{Conversation(conversationId)}/messages", ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("before", before));

    public const string ConversationImport = "/api/conversations/import";

    /// <summary>The caller's conversations, or with <paramref name="query"/> those whose title or a message holds every word; <paramref name="cursor"/> from the <c>Link</c> header.</summary>
    public static string ConversationList(string? query = null, string? cursor = null, int? limit = null) =>
        WithQuery(Conversations, ("query", query), ("cursor", cursor), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <param name="format"><c>json</c> (the whole tree) or <c>markdown</c> (the active branch).</param>
    public static string ConversationExport(string id, string format) => $"{Conversation(id)}/export?format={Uri.EscapeDataString(format)}";

    /// <param name="characterId">The character the imported conversation is with; required for a SillyTavern chat.</param>
    public static string ImportConversation(string? characterId = null) => WithQuery(ConversationImport, ("characterId", characterId));

    public static string Alternatives(string conversationId, string messageId) =>
        $"{Conversation(conversationId)}/messages/{Uri.EscapeDataString(messageId)}/alternatives";

    private static string WithQuery(string path, params (string Name, string? Value)[] parameters)
    {
        var query = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";
    }
}

/// <summary>Hub method names on the wire (client to server).</summary>
public static class HubMethods
{
    public const string SendMessage = nameof(IChatHub.SendMessage);
    public const string WatchConversation = nameof(IChatHub.WatchConversation);
    public const string StopReply = nameof(IChatHub.StopReply);
    public const string RegenerateReply = nameof(IChatHub.RegenerateReply);
    public const string EditMessage = nameof(IChatHub.EditMessage);
    public const string ContinueReply = nameof(IChatHub.ContinueReply);
    public const string SelectBranch = nameof(IChatHub.SelectBranch);
    public const string DeleteMessage = nameof(IChatHub.DeleteMessage);
}

/// <summary>Event names on the wire (server to client).</summary>
public static class HubEvents
{
    public const string MessageAppended = nameof(IChatHubClient.MessageAppended);
    public const string ReplyStarted = nameof(IChatHubClient.ReplyStarted);
    public const string ReplyDelta = nameof(IChatHubClient.ReplyDelta);
    public const string ReplyCompleted = nameof(IChatHubClient.ReplyCompleted);
    public const string ReplyFailed = nameof(IChatHubClient.ReplyFailed);
    public const string MessageEdited = nameof(IChatHubClient.MessageEdited);
    public const string MessagesDeleted = nameof(IChatHubClient.MessagesDeleted);
    public const string BranchSelected = nameof(IChatHubClient.BranchSelected);
    public const string ConversationUpdated = nameof(IChatHubClient.ConversationUpdated);
    public const string SessionEnded = nameof(IChatHubClient.SessionEnded);
}

/// <summary>Values of <see cref="MessageDto.Sender"/> and <see cref="MessageDto.Status"/>.</summary>
public static class MessageValues
{
    public const string SenderUser = "user";
    public const string SenderAi = "ai";
    public const string StatusComplete = "complete";
    public const string StatusStopped = "stopped";
    public const string StatusFailed = "failed";
    public const string ErrorInterrupted = "interrupted";
}
