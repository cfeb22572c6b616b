using ChatHub.Characters;
using ChatHub.Contracts;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoCharacterStore(IMongoDatabase database) : ICharacterStore
{
    private static FilterDefinitionBuilder<CharacterDocument> Filter => Builders<CharacterDocument>.Filter;

    private readonly IMongoCollection<CharacterDocument> characters = database.Characters();
    private readonly IMongoCollection<AvatarDocument> avatars = database.CharacterAvatars();
    private readonly IMongoCollection<CharacterReportDocument> reports = database.CharacterReports();

    public async Task<bool> AnyAsync(CancellationToken cancellationToken) =>
        await characters.Find(FilterDefinition<CharacterDocument>.Empty).Limit(1).AnyAsync(cancellationToken);

    public async Task<Character?> GetAsync(string id, CancellationToken cancellationToken)
    {
        // Ids come from URLs: one that is not an ObjectId names no character, as in the SQLite store.
        if (!ObjectId.TryParse(id, out var characterId))
        {
            return null;
        }

        var document = await characters.Find(d => d.Id == characterId).FirstOrDefaultAsync(cancellationToken);
        return document?.ToCharacter();
    }

    public Task<bool> TryCreateAsync(Character character, CancellationToken cancellationToken) =>
        characters.TryInsertAsync(CharacterDocument.From(character), cancellationToken);

    public async Task<bool> UpdateAsync(Character character, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(character.Id, out var characterId))
        {
            return false;
        }

        var result = await characters.UpdateOneAsync(
            Live(characterId), ReplaceEditable(CharacterDocument.From(character)), cancellationToken: cancellationToken);
        // Matched, not modified: saving a character unchanged still found it.
        return result.MatchedCount == 1;
    }

    public async Task<bool> DeleteAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(id, out var characterId))
        {
            return false;
        }

        var result = await characters.UpdateOneAsync(
            Live(characterId), Builders<CharacterDocument>.Update.Set(d => d.DeletedAt, at), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<bool> SetHiddenAsync(string id, bool hidden, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(id, out var characterId))
        {
            return false;
        }

        var result = await characters.UpdateOneAsync(
            d => d.Id == characterId, Builders<CharacterDocument>.Update.Set(d => d.Hidden, hidden), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<int> CountOwnedAsync(string ownerId, CancellationToken cancellationToken) =>
        (int)await characters.CountDocumentsAsync(
            Filter.Eq(d => d.OwnerId, ownerId) & Filter.Eq(d => d.DeletedAt, null), cancellationToken: cancellationToken);

    public async Task CountConversationStartedAsync(string id, CancellationToken cancellationToken)
    {
        if (ObjectId.TryParse(id, out var characterId))
        {
            await characters.UpdateOneAsync(
                d => d.Id == characterId, Builders<CharacterDocument>.Update.Inc(d => d.ConversationsStarted, 1), cancellationToken: cancellationToken);
        }
    }

    public async Task<CataloguePage> SearchAsync(CatalogueQuery query, CancellationToken cancellationToken)
    {
        var found = await characters.Find(CatalogueFilter(query))
            .Sort(CatalogueSort(query.Popular))
            .Limit(query.Limit + 1)
            .ToListAsync(cancellationToken);
        return CataloguePages.Of(found.ConvertAll(d => d.ToCharacter()), query);
    }

    public async Task<bool> SetAvatarAsync(string id, Avatar avatar, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(id, out var characterId))
        {
            return false;
        }

        // The image first: a character never names an ETag whose image is not there.
        await avatars.ReplaceOneAsync(d => d.CharacterId == characterId,
            new AvatarDocument { CharacterId = characterId, Png = avatar.Png, Etag = avatar.Etag },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);
        var result = await characters.UpdateOneAsync(
            d => d.Id == characterId, Builders<CharacterDocument>.Update.Set(d => d.AvatarEtag, avatar.Etag), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<Avatar?> GetAvatarAsync(string id, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(id, out var characterId))
        {
            return null;
        }

        var document = await avatars.Find(d => d.CharacterId == characterId).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : new Avatar(document.Png, document.Etag);
    }

    public Task AddReportAsync(CharacterReport report, CancellationToken cancellationToken) =>
        reports.InsertOneAsync(CharacterReportDocument.From(report), cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<CharacterReport>> ListReportsAsync(int limit, string? beforeId, CancellationToken cancellationToken)
    {
        var filter = beforeId is not null && ObjectId.TryParse(beforeId, out var before)
            ? Builders<CharacterReportDocument>.Filter.Lt(d => d.Id, before)
            : FilterDefinition<CharacterReportDocument>.Empty;
        var documents = await reports.Find(filter).SortByDescending(d => d.Id).Limit(limit).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToReport());
    }

    private static FilterDefinition<CharacterDocument> Live(ObjectId id) => Filter.Eq(d => d.Id, id) & Filter.Eq(d => d.DeletedAt, null);

    /// <summary>
    /// Public and not hidden, or the viewer's own; never deleted. Words and tags are matched as stored values
    /// (<c>$all</c>, <c>$eq</c>), never as a pattern: nothing the user types is read as query syntax.
    /// </summary>
    internal static FilterDefinition<CharacterDocument> CatalogueFilter(CatalogueQuery query)
    {
        var own = Filter.Eq(d => d.OwnerId, query.ViewerId);
        var listed = Filter.Eq(d => d.Visibility, CharacterVisibility.Public) & Filter.Ne(d => d.Hidden, true);
        var filter = Filter.Eq(d => d.DeletedAt, null) & (query.MineOnly ? own : own | listed);
        if (query.Tag is { } tag) filter &= Filter.AnyEq(d => d.TagKeys, CharacterDocument.TagKey(tag));
        if (query.Words.Count > 0) filter &= Filter.All(d => d.SearchWords, query.Words);
        if (query.After is { } after)
        {
            var afterId = ObjectId.Parse(after.Id);
            filter &= query.Popular
                ? Filter.Lt(d => d.ConversationsStarted, after.Key) | (Filter.Eq(d => d.ConversationsStarted, after.Key) & Filter.Lt(d => d.Id, afterId))
                : Filter.Lt(d => d.CreatedAt, DateTimeOffset.FromUnixTimeMilliseconds(after.Key))
                  | (Filter.Eq(d => d.CreatedAt, DateTimeOffset.FromUnixTimeMilliseconds(after.Key)) & Filter.Lt(d => d.Id, afterId));
        }
        return filter;
    }

    internal static SortDefinition<CharacterDocument> CatalogueSort(bool popular) => popular
        ? Builders<CharacterDocument>.Sort.Descending(d => d.ConversationsStarted).Descending(d => d.Id)
        : Builders<CharacterDocument>.Sort.Descending(d => d.CreatedAt).Descending(d => d.Id);

    /// <summary>What an edit changes: not the owner, the creation time, the moderation or deletion marks, the popularity or the avatar.</summary>
    internal static UpdateDefinition<CharacterDocument> ReplaceEditable(CharacterDocument character) =>
        Builders<CharacterDocument>.Update
            .Set(d => d.Name, character.Name)
            .Set(d => d.Description, character.Description)
            .Set(d => d.Personality, character.Personality)
            .Set(d => d.AiSettings, character.AiSettings)
            .Set(d => d.UpdatedAt, character.UpdatedAt)
            .Set(d => d.Visibility, character.Visibility)
            .Set(d => d.Card, character.Card)
            .Set(d => d.SearchWords, character.SearchWords)
            .Set(d => d.TagKeys, character.TagKeys);
}
