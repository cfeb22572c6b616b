using ChatHub.Accounts.TwoFactor;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoTwoFactorStore(IMongoDatabase database) : ITwoFactorStore
{
    private static readonly FilterDefinitionBuilder<TwoFactorDocument> Filter = Builders<TwoFactorDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<TwoFactorDocument> Update = Builders<TwoFactorDocument>.Update;

    private readonly IMongoCollection<TwoFactorDocument> twoFactor = database.TwoFactor();

    public async Task<TwoFactorEnrollment?> FindAsync(string userId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return null;
        var document = await twoFactor.Find(OfUser(id)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToEnrollment();
    }

    /// <summary>
    /// An upsert on "this user's unconfirmed enrolment": with a confirmed one present the filter misses, the
    /// insert collides with the unique <c>user_id</c> index, and the answer is false.
    /// </summary>
    public async Task<bool> TryBeginAsync(string userId, string secret, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return false;
        try
        {
            await twoFactor.UpdateOneAsync(Unconfirmed(id), Begin(secret, now), new UpdateOptions { IsUpsert = true }, cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<bool> TryConfirmAsync(
        string userId, string secret, IReadOnlyList<string> backupCodeHashes, long step, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return false;
        var result = await twoFactor.UpdateOneAsync(
            Unconfirmed(id) & Filter.Eq(d => d.Secret, secret), Confirm(backupCodeHashes, step, now), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<bool> TryUseStepAsync(string userId, long step, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return false;
        var result = await twoFactor.UpdateOneAsync(StepUnused(id, step), Update.Set(d => d.LastUsedStep, step), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<bool> TryUseBackupCodeAsync(string userId, string codeHash, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return false;
        var result = await twoFactor.UpdateOneAsync(HoldingCode(id, codeHash), PullCode(codeHash), cancellationToken: cancellationToken);
        return result.ModifiedCount == 1;
    }

    public async Task<bool> DeleteAsync(string userId, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return false;
        var result = await twoFactor.DeleteOneAsync(OfUser(id), cancellationToken);
        return result.DeletedCount == 1;
    }

    internal static FilterDefinition<TwoFactorDocument> OfUser(ObjectId userId) => Filter.Eq(d => d.UserId, userId);

    /// <summary><c>confirmed_at: null</c> matches a missing field too; on an upsert's insert it is written as null.</summary>
    internal static FilterDefinition<TwoFactorDocument> Unconfirmed(ObjectId userId) => OfUser(userId) & Filter.Eq(d => d.ConfirmedAt, null);

    internal static FilterDefinition<TwoFactorDocument> Confirmed(ObjectId userId) => OfUser(userId) & Filter.Ne(d => d.ConfirmedAt, null);

    internal static UpdateDefinition<TwoFactorDocument> Begin(string secret, DateTimeOffset now) => Update
        .Set(d => d.Secret, secret)
        .Set(d => d.BackupCodes, [])
        .Set(d => d.CreatedAt, now)
        .Set(d => d.LastUsedStep, 0);

    internal static UpdateDefinition<TwoFactorDocument> Confirm(IReadOnlyList<string> backupCodeHashes, long step, DateTimeOffset now) => Update
        .Set(d => d.ConfirmedAt, now)
        .Set(d => d.BackupCodes, [.. backupCodeHashes])
        .Set(d => d.LastUsedStep, step);

    /// <summary>RFC 6238 §5.2: a code accepted once is not accepted again, nor one of an earlier step.</summary>
    internal static FilterDefinition<TwoFactorDocument> StepUnused(ObjectId userId, long step) =>
        Confirmed(userId) & Filter.Lt(d => d.LastUsedStep, step);

    internal static FilterDefinition<TwoFactorDocument> HoldingCode(ObjectId userId, string codeHash) =>
        Confirmed(userId) & Filter.AnyEq(d => d.BackupCodes, codeHash);

    internal static UpdateDefinition<TwoFactorDocument> PullCode(string codeHash) => Update.Pull(d => d.BackupCodes, codeHash);
}
