using ChatHub.Infrastructure;
using Microsoft.Extensions.Options;

namespace ChatHub.Accounts;

/// <summary>
/// Bounds how many password hashes run at once (<c>Limits:ConcurrentPasswordHashes</c>): each costs a core for a
/// third of a second, and a flood of sign-ins must leave cores for the hub and the health probes.
/// </summary>
public sealed class HashingGate(IOptions<AbuseOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.ConcurrentPasswordHashes);

    public async Task<T> RunAsync<T>(Func<T> hash, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return hash();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
