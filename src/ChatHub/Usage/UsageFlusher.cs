using Microsoft.Extensions.Options;

namespace ChatHub.Usage;

/// <summary>
/// Keeps replies' token totals off the reply path: each reply's usage is added here in memory, and every
/// <c>Usage:FlushSeconds</c> what gathered goes to <see cref="IUsageStore"/> in one batch (an upsert per user,
/// day and model), and once more when the node stops. Until an amount is stored it is still counted in
/// <see cref="PendingFor"/>, so this node's budgets and reports never miss it. A batch that fails is kept for the next.
/// </summary>
public sealed partial class UsageFlusher(IUsageStore store, IOptions<UsageOptions> options, TimeProvider clock, ILogger<UsageFlusher> logger)
    : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private Dictionary<(string UserId, DateOnly Day, string Model), UsageAmount> _pending = [];
    private IReadOnlyCollection<UsageAmount> _writing = [];
    private long _flushes;

    public void Add(UsageAmount amount)
    {
        lock (_lock) Merge(_pending, amount);
    }

    /// <summary>
    /// Goes up by one when a batch starts being written and again when it is done (odd while writing): a reader
    /// whose store read did not begin and end on the same even value may have seen a batch twice or not at all.
    /// </summary>
    public long Flushes
    {
        get { lock (_lock) return _flushes; }
    }

    /// <summary>The user's amounts this node has not stored yet (those being written included), and <see cref="Flushes"/> as they were.</summary>
    public (IReadOnlyList<UsageAmount> Amounts, long Flushes) PendingFor(string userId)
    {
        lock (_lock) return ([.. _pending.Values.Concat(_writing).Where(a => a.UserId == userId)], _flushes);
    }

    /// <summary>Stores what has gathered; a failure keeps it for the next flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            lock (_lock)
            {
                if (_pending.Count == 0) return;
                _writing = _pending.Values;
                _pending = [];
                _flushes++;
            }
            try
            {
                await store.AddAsync([.. _writing], cancellationToken);
                lock (_lock) (_flushes, _writing) = (_flushes + 1, []);
            }
            catch (Exception ex)
            {
                LogFlushFailed(logger, ex, _writing.Count);
                lock (_lock)
                {
                    foreach (var amount in _writing) Merge(_pending, amount);
                    (_flushes, _writing) = (_flushes + 1, []);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FlushSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync stores the rest.
        }
    }

    /// <summary>Registered before the chat feature, so it stops after the replies have drained and stores what they used.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }

    private static void Merge(Dictionary<(string, DateOnly, string), UsageAmount> into, UsageAmount amount)
    {
        var key = (amount.UserId, amount.Day, amount.Model);
        into[key] = into.TryGetValue(key, out var had)
            ? had with { PromptTokens = had.PromptTokens + amount.PromptTokens, CompletionTokens = had.CompletionTokens + amount.CompletionTokens, Replies = had.Replies + amount.Replies }
            : amount;
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "{Count} usage totals could not be stored; they are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int count);
}
