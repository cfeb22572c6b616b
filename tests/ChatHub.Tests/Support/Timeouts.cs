namespace ChatHub.Tests.Support;

public static class Timeouts
{
    /// <summary>The bound on every awaited event: generous for a loaded CI machine, yet a hang fails the test.</summary>
    public static readonly TimeSpan Event = TimeSpan.FromSeconds(20);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Event, TestContext.Current.CancellationToken);

    public static Task Bounded(this Task task) => task.WaitAsync(Event, TestContext.Current.CancellationToken);
}
