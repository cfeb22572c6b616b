using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Contracts;

public static class HubErrors
{
    private const string Marker = "HubException: ";

    /// <summary>
    /// The part of a hub error meant for the user. SignalR frames a server's refusal as
    /// "An unexpected error occurred invoking 'X' on the server. HubException: {message}".
    /// </summary>
    public static string UserMessage(this HubException exception)
    {
        var at = exception.Message.IndexOf(Marker, StringComparison.Ordinal);
        return at < 0 ? exception.Message : exception.Message[(at + Marker.Length)..];
    }
}
