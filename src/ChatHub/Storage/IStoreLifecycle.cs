namespace ChatHub.Storage;

/// <summary>What every store adapter does besides storing: get ready at start-up, and say whether it is reachable.</summary>
public interface IStoreLifecycle
{
    /// <summary>Creates what the adapter needs (tables, indexes); safe to run on every start and from several nodes at once.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
