using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using ChatHub.Infrastructure;
using ChatHub.Observability;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ChatHub.Email;

/// <summary>
/// Work that may end in a mail: it decides whether and what to send (null: nothing). It runs after the
/// request has been answered, so neither the decision nor the SMTP server's pace shows in the answer.
/// </summary>
public delegate Task<EmailMessage?> EmailJob(CancellationToken cancellationToken);

/// <summary>
/// Mails go out off the request path, in two steps. A job decides in memory (bounded: a flood of requests
/// costs memory only up to <see cref="Capacity"/> jobs; beyond that callers are told to try again) and its
/// mail goes to the <see cref="IMailOutbox"/> in the store, sealed with Data Protection since it may carry
/// a sign-in secret. From there each mail is sent once, retried with a doubling wait when the server
/// fails (<c>Email:RetryBackoff</c>, up to <c>Email:MaxAttempts</c>), and survives a restart. Every
/// retry and every mail given up is logged and counted (<c>characterchat.mail.*</c>).
/// </summary>
public sealed partial class EmailQueue(
    IEmailSender sender,
    IMailOutbox outbox,
    IDataProtectionProvider protection,
    IOptions<EmailOptions> options,
    IMeterFactory meters,
    TimeProvider clock,
    ILogger<EmailQueue> logger) : BackgroundService
{
    public const int Capacity = 1000;

    /// <summary>What a caller tells the user when <see cref="TryEnqueue(EmailJob)"/> says no.</summary>
    public const string Full = "Too many mails are waiting to go out. Try again in a minute.";

    /// <summary>How long a node may take to send the mails it claimed before another node may claim them.</summary>
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(5);

    private const int Batch = 20;

    private readonly Channel<EmailJob> _jobs = Channel.CreateBounded<EmailJob>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<bool> _added = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly IDataProtector _sealer = protection.CreateProtector("ChatHub.Email.Outbox");
    private readonly Meter _meter = meters.Create(ChatMetrics.Name);
    private Counter<long> Sent => field ??= _meter.CreateCounter<long>("characterchat.mail.sent", "{mail}", "Mails the mail server accepted.");
    private Counter<long> Retried => field ??= _meter.CreateCounter<long>("characterchat.mail.retried", "{mail}", "Sends that failed and will be tried again.");
    private Counter<long> Lost => field ??= _meter.CreateCounter<long>("characterchat.mail.failed", "{mail}", "Mails given up after the last attempt, or never stored.");

    /// <summary>False when the queue is full.</summary>
    public bool TryEnqueue(EmailJob job) => _jobs.Writer.TryWrite(job);

    /// <summary>Queues a mail that is already written.</summary>
    public bool TryEnqueue(EmailMessage message) => TryEnqueue(_ => Task.FromResult<EmailMessage?>(message));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(StoreAsync(stoppingToken), SendAsync(stoppingToken));

    /// <summary>Runs each job and puts its mail in the outbox.</summary>
    private async Task StoreAsync(CancellationToken stoppingToken)
    {
        await foreach (var job in _jobs.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await job(stoppingToken) is not { } message) continue;
                await outbox.AddAsync(Ids.New(), _sealer.Protect(JsonSerializer.Serialize(message)), clock.UtcNowMs(), stoppingToken);
                _added.Writer.TryWrite(true);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // One failed job must not stop the ones behind it.
                Lost.Add(1);
                LogNotStored(logger, ex);
            }
        }
    }

    /// <summary>Sends what is due, then waits for a new mail or the next retry.</summary>
    private async Task SendAsync(CancellationToken stoppingToken)
    {
        var backoff = options.Value.RetryBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<OutboxMail> due = [];
            try
            {
                var now = clock.UtcNowMs();
                due = await outbox.ClaimDueAsync(now, now + ClaimFor, Batch, stoppingToken);
                foreach (var mail in due) await SendOneAsync(mail, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogOutboxFailed(logger, ex); // the store is down: what was claimed is claimed again later
            }
            if (due.Count == Batch) continue;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(backoff);
            try
            {
                await _added.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // time for the next look at the outbox
            }
        }
    }

    private async Task SendOneAsync(OutboxMail mail, CancellationToken stoppingToken)
    {
        try
        {
            var message = JsonSerializer.Deserialize<EmailMessage>(_sealer.Unprotect(mail.Payload))!;
            await sender.SendAsync(message, stoppingToken);
            Sent.Add(1);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var attempts = mail.Attempts + 1;
            if (attempts < options.Value.MaxAttempts)
            {
                // The exception names the mail server, not the token.
                Retried.Add(1);
                var wait = options.Value.RetryBackoff * Math.Pow(2, attempts - 1);
                LogRetry(logger, ex, attempts, wait);
                await outbox.RetryAtAsync(mail.Id, attempts, clock.UtcNowMs() + wait, stoppingToken);
                return;
            }
            Lost.Add(1);
            LogGivenUp(logger, ex, attempts);
        }
        await outbox.DeleteAsync(mail.Id, stoppingToken);
    }

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "A mail was given up after {Attempts} attempts")]
    private static partial void LogGivenUp(ILogger logger, Exception exception, int attempts);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "A mail could not be sent (attempt {Attempts}); next try in {Wait}")]
    private static partial void LogRetry(ILogger logger, Exception exception, int attempts, TimeSpan wait);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Error, Message = "A mail could not be put in the outbox")]
    private static partial void LogNotStored(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Error, Message = "The mail outbox could not be read")]
    private static partial void LogOutboxFailed(ILogger logger, Exception exception);
}
