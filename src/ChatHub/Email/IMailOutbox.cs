namespace ChatHub.Email;

/// <summary>A mail waiting in the outbox: its payload is sealed (it may hold a sign-in secret) and opened only to send it.</summary>
public sealed record OutboxMail(string Id, string Payload, int Attempts);

/// <summary>
/// Mails that are to go out, kept in the store until they are sent, so a restart loses none. A mail is
/// claimed before it is sent, so with several nodes on one store each goes out once; a claim that is
/// not followed by a delete or a retry (its node died) runs out and the mail is claimed again.
/// </summary>
public interface IMailOutbox
{
    Task AddAsync(string id, string payload, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> mails due at <paramref name="now"/>, oldest due first; none is due again before <paramref name="claimedUntil"/>.</summary>
    Task<IReadOnlyList<OutboxMail>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset claimedUntil, int max, CancellationToken cancellationToken);

    /// <summary>Sets when the mail is due again and how often it has failed.</summary>
    Task RetryAtAsync(string id, int attempts, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The mail is sent (or given up): it leaves the outbox.</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken);
}
