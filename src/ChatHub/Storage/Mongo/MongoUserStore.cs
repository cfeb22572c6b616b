using System.Text.RegularExpressions;
using ChatHub.Accounts;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoUserStore(IMongoDatabase database) : IUserStore
{
    private static readonly FilterDefinitionBuilder<UserDocument> Filter = Builders<UserDocument>.Filter;

    private readonly IMongoCollection<UserDocument> users = database.Users();

    /// <summary>The unique index on <c>email</c> decides races between two sign-ups with one address.</summary>
    public Task<bool> TryCreateAsync(User user, CancellationToken cancellationToken) =>
        users.TryInsertAsync(UserDocument.From(user), cancellationToken);

    public async Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var document = await users.Find(d => d.Email == email).FirstOrDefaultAsync(cancellationToken);
        return document?.ToUser();
    }

    public async Task<User?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        // An id that is not an ObjectId names no one, as in the SQLite store; not a server error.
        if (!ObjectId.TryParse(id, out var userId))
        {
            return null;
        }

        var document = await users.Find(d => d.Id == userId).FirstOrDefaultAsync(cancellationToken);
        return document?.ToUser();
    }

    public async Task<User?> UpdateAsync(string id, UserChanges changes, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(id, out var userId))
        {
            return null;
        }

        var document = await users.FindOneAndUpdateAsync(
            Filter.Eq(d => d.Id, userId),
            Update(changes),
            new FindOneAndUpdateOptions<UserDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return document?.ToUser();
    }

    public async Task<IReadOnlyList<User>> ListAsync(int limit, string? afterId, string? query, CancellationToken cancellationToken)
    {
        var documents = await users.Find(After(afterId is null ? null : ObjectId.Parse(afterId)) & Matching(query))
            .Sort(Builders<UserDocument>.Sort.Ascending(d => d.Id))
            .Limit(limit)
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToUser());
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(id, out var userId))
        {
            return false;
        }

        var result = await users.DeleteOneAsync(d => d.Id == userId, cancellationToken);
        return result.DeletedCount == 1;
    }

    /// <summary>Only what changes is written; the token version goes up in the same write, so no reader sees one without the other.</summary>
    internal static UpdateDefinition<UserDocument> Update(UserChanges changes)
    {
        var update = Builders<UserDocument>.Update;
        var parts = new List<UpdateDefinition<UserDocument>>();
        if (changes.Name is { } name) parts.Add(update.Set(d => d.Name, name));
        if (changes.PasswordHash is { } hash) parts.Add(update.Set(d => d.PasswordHash, hash));
        if (changes.Role is { } role) parts.Add(update.Set(d => d.Role, role));
        if (changes.Persona is { } persona) parts.Add(update.Set(d => d.Persona, persona));
        parts.Add(update.Set(d => d.UpdatedAt, changes.UpdatedAt));
        if (changes.EndsAccessTokens) parts.Add(update.Inc(d => d.TokenVersion, 1));
        return update.Combine(parts);
    }

    /// <summary>Paging by <c>_id</c>: ObjectIds grow with time, and the <c>_id</c> index serves the sort.</summary>
    internal static FilterDefinition<UserDocument> After(ObjectId? afterId) =>
        afterId is { } id ? Filter.Gt(d => d.Id, id) : Filter.Empty;

    /// <summary>The query as literal text (escaped), anywhere in the email or the name, ignoring case.</summary>
    internal static FilterDefinition<UserDocument> Matching(string? query)
    {
        if (query is null) return Filter.Empty;
        var pattern = new BsonRegularExpression(Regex.Escape(query), "i");
        return Filter.Regex(d => d.Email, pattern) | Filter.Regex(d => d.Name, pattern);
    }
}
