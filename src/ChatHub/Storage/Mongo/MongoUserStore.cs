using ChatHub.Accounts;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoUserStore(IMongoDatabase database) : IUserStore
{
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
}
