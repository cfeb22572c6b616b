using ChatHub.Accounts;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Chat;

/// <summary>SignalR's user of a connection is the token's subject (inbound claims are not mapped, so the default would find none).</summary>
public sealed class SubjectUserIds : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) => connection.User?.Identity?.IsAuthenticated == true ? connection.User.UserId() : null;
}
