namespace ChatHub.Accounts.Sessions;

/// <summary>One node: there is no one else to tell.</summary>
public sealed class SingleNodeSessionsEndedRelay : ISessionsEndedRelay
{
    public ValueTask PublishAsync(SessionEnd end) => ValueTask.CompletedTask;
}
