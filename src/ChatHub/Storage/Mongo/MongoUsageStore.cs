using ChatHub.Usage;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

/// <summary>The <c>usage</c> collection: a batch of <c>$inc</c> upserts, one per user, day and model.</summary>
internal sealed class MongoUsageStore(IMongoDatabase database) : IUsageStore
{
    private static readonly FilterDefinitionBuilder<UsageDocument> Filter = Builders<UsageDocument>.Filter;

    private readonly IMongoCollection<UsageDocument> usage = database.Usage();

    public async Task AddAsync(IReadOnlyList<UsageAmount> amounts, CancellationToken cancellationToken)
    {
        var writes = amounts.Where(a => ObjectId.TryParse(a.UserId, out _)).Select(a => (WriteModel<UsageDocument>)Upsert(a)).ToList();
        if (writes.Count > 0) await usage.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }

    public async Task<IReadOnlyList<UsageAmount>> ReadAsync(string userId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(userId, out var id)) return [];
        var documents = await usage.Find(Filter.Eq(d => d.UserId, id) & DayRange(from, to))
            .Sort(Builders<UsageDocument>.Sort.Ascending(d => d.Day).Ascending(d => d.Model))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => new UsageAmount(userId, UsageDays.Parse(d.Day), d.Model, d.PromptTokens, d.CompletionTokens, d.Replies));
    }

    public async Task<IReadOnlyList<UserUsageTotal>> TopUsersAsync(DateOnly from, DateOnly to, int limit, CancellationToken cancellationToken)
    {
        var totals = await usage.Aggregate()
            .Match(DayRange(from, to))
            .Group(new BsonDocument
            {
                ["_id"] = "$user_id",
                ["prompt"] = new BsonDocument("$sum", "$prompt_tokens"),
                ["completion"] = new BsonDocument("$sum", "$completion_tokens"),
                ["replies"] = new BsonDocument("$sum", "$replies"),
            })
            .Project(new BsonDocument
            {
                ["prompt"] = 1,
                ["completion"] = 1,
                ["replies"] = 1,
                ["total"] = new BsonDocument("$add", new BsonArray { "$prompt", "$completion" }),
            })
            .Sort(new BsonDocument { ["total"] = -1, ["_id"] = 1 })
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return totals.ConvertAll(t => new UserUsageTotal(t["_id"].AsObjectId.ToString(), t["prompt"].ToInt64(), t["completion"].ToInt64(), t["replies"].ToInt64()));
    }

    public async Task DeleteUserAsync(string userId, CancellationToken cancellationToken)
    {
        if (ObjectId.TryParse(userId, out var id)) await usage.DeleteManyAsync(Filter.Eq(d => d.UserId, id), cancellationToken);
    }

    internal static UpdateOneModel<UsageDocument> Upsert(UsageAmount amount)
    {
        var (userId, day) = (ObjectId.Parse(amount.UserId), UsageDays.Format(amount.Day));
        var update = Builders<UsageDocument>.Update
            .SetOnInsert(d => d.UserId, userId)
            .SetOnInsert(d => d.Day, day)
            .SetOnInsert(d => d.Model, amount.Model)
            .Inc(d => d.PromptTokens, amount.PromptTokens)
            .Inc(d => d.CompletionTokens, amount.CompletionTokens)
            .Inc(d => d.Replies, amount.Replies);
        return new UpdateOneModel<UsageDocument>(Filter.Eq(d => d.Id, UsageDocument.IdOf(userId, day, amount.Model)), update) { IsUpsert = true };
    }

    private static FilterDefinition<UsageDocument> DayRange(DateOnly from, DateOnly to) =>
        Filter.Gte(d => d.Day, UsageDays.Format(from)) & Filter.Lte(d => d.Day, UsageDays.Format(to));
}
