using System.Threading.Channels;

namespace ChatHub.Email;

/// <summary>
/// Work that may end in a mail: it decides whether and what to send (null: nothing). It runs after the
/// request has been answered, so neither the decision nor the SMTP server's pace shows in the answer.
/// </summary>
public delegate Task<EmailMessage?> EmailJob(CancellationToken cancellationToken);

/// <summary>
/// Mails go out one at a time, off the request path. Bounded, so a flood of requests costs memory only up
/// to <see cref="Capacity"/> jobs; beyond that callers are told to try again. Jobs still queued when the
/// node stops are lost, and the person asks again.
/// </summary>
public sealed partial class EmailQueue(IEmailSender sender, ILogger<EmailQueue> logger) : BackgroundService
{
    public const int Capacity = 1000;

    /// <summary>What a caller tells the user when <see cref="TryEnqueue(EmailJob)"/> says no.</summary>
    public const string Full = "Too many mails are waiting to go out. Try again in a minute.";

    private readonly Channel<EmailJob> _jobs = Channel.CreateBounded<EmailJob>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>False when the queue is full.</summary>
    public bool TryEnqueue(EmailJob job) => _jobs.Writer.TryWrite(job);

    /// <summary>Queues a mail that is already written.</summary>
    public bool TryEnqueue(EmailMessage message) => TryEnqueue(_ => Task.FromResult<EmailMessage?>(message));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await job(stoppingToken) is { } message) await sender.SendAsync(message, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // One failed mail must not stop the ones behind it. The exception names the SMTP server, not the token.
                LogFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "A mail could not be sent")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
