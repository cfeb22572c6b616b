namespace ChatHub.Accounts.Sessions;

/// <summary>Tells the other nodes of a deployment that sessions ended, so they close those connections too.</summary>
public interface ISessionsEndedRelay
{
    ValueTask PublishAsync(SessionEnd end);
}
