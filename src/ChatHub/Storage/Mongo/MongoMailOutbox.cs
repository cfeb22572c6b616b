using ChatHub.Email;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoMailOutbox(IMongoDatabase database) : IMailOutbox
{
    private static readonly FilterDefinitionBuilder<MailOutboxDocument> Filter = Builders<MailOutboxDocument>.Filter;
    private static readonly UpdateDefinitionBuilder<MailOutboxDocument> Update = Builders<MailOutboxDocument>.Update;

    private readonly IMongoCollection<MailOutboxDocument> _mails = database.MailOutbox();

    public Task AddAsync(string id, string payload, DateTimeOffset now, CancellationToken cancellationToken) =>
        _mails.InsertOneAsync(new MailOutboxDocument { Id = ObjectId.Parse(id), Payload = payload, CreatedAt = now, DueAt = now }, cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<OutboxMail>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset claimedUntil, int max, CancellationToken cancellationToken)
    {
        // One atomic find-and-update per mail: of two nodes claiming at once, each mail goes to one.
        var mails = new List<OutboxMail>();
        var options = new FindOneAndUpdateOptions<MailOutboxDocument> { Sort = Builders<MailOutboxDocument>.Sort.Ascending(d => d.DueAt) };
        while (mails.Count < max)
        {
            var claimed = await _mails.FindOneAndUpdateAsync(Filter.Lte(d => d.DueAt, now), Update.Set(d => d.DueAt, claimedUntil), options, cancellationToken);
            if (claimed is null) break;
            mails.Add(new OutboxMail(claimed.Id.ToString(), claimed.Payload, claimed.Attempts));
        }
        return mails;
    }

    public Task RetryAtAsync(string id, int attempts, DateTimeOffset at, CancellationToken cancellationToken) =>
        _mails.UpdateOneAsync(Filter.Eq(d => d.Id, ObjectId.Parse(id)), Update.Set(d => d.Attempts, attempts).Set(d => d.DueAt, at), cancellationToken: cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        _mails.DeleteOneAsync(Filter.Eq(d => d.Id, ObjectId.Parse(id)), cancellationToken);
}
