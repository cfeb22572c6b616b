using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Targets;

namespace ChatHub.LoadTest.Engine;

/// <summary>A run's shared state, its --duration cap, and its progress line until the scope ends.</summary>
public sealed class RunScope : IAsyncDisposable
{
    private readonly CancellationTokenSource _cap;
    private readonly CancellationTokenSource _stopProgress;
    private readonly Task _progress;

    private RunScope(RunState state, TextWriter output, string label, CancellationToken cancellationToken)
    {
        State = state;
        _cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _cap.CancelAfter(state.Options.Duration);
        _stopProgress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _progress = Progress.RunAsync(label, state, output, _stopProgress.Token);
    }

    public RunState State { get; }

    /// <summary>Cancelled when --duration runs out (or the caller gives up).</summary>
    public CancellationToken Capped => _cap.Token;

    public static RunScope Start(string label, LoadTarget target, LoadOptions options, TextWriter output, CancellationToken cancellationToken) =>
        new(new RunState(options, target), output, label, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stopProgress.CancelAsync();
        await _progress;
        _stopProgress.Dispose();
        _cap.Dispose();
    }
}
