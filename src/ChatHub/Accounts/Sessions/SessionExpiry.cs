namespace ChatHub.Accounts.Sessions;

/// <summary>
/// Closes hub connections whose access token has expired, telling them <c>expired</c> so they refresh and reconnect:
/// a connection is authenticated once, when it opens, and would otherwise outlive its token.
/// </summary>
public sealed class SessionExpiry(UserConnections connections, TimeProvider clock) : BackgroundService
{
    /// <summary>How often the open connections are looked at: a connection outlives its token by at most this.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken)) await connections.EndExpiredAsync(clock.GetUtcNow());
    }
}
