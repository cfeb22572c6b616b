using ChatHub.Characters;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatHub.Storage.Mongo;

internal sealed class MongoCharacterStore(IMongoDatabase database) : ICharacterStore
{
    private readonly IMongoCollection<CharacterDocument> characters = database.Characters();

    public async Task<IReadOnlyList<Character>> ListAsync(CancellationToken cancellationToken)
    {
        var documents = await characters.Find(FilterDefinition<CharacterDocument>.Empty)
            .Sort(Builders<CharacterDocument>.Sort.Ascending(d => d.Name))
            .ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToCharacter());
    }

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
            d => d.Id == characterId, ReplaceAllButCreatedAt(CharacterDocument.From(character)), cancellationToken: cancellationToken);
        // Matched, not modified: saving a character unchanged still found it.
        return result.MatchedCount == 1;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!ObjectId.TryParse(id, out var characterId))
        {
            return false;
        }

        var result = await characters.DeleteOneAsync(d => d.Id == characterId, cancellationToken);
        return result.DeletedCount == 1;
    }

    internal static UpdateDefinition<CharacterDocument> ReplaceAllButCreatedAt(CharacterDocument character) =>
        Builders<CharacterDocument>.Update
            .Set(d => d.Name, character.Name)
            .Set(d => d.Description, character.Description)
            .Set(d => d.Personality, character.Personality)
            .Set(d => d.AiSettings, character.AiSettings)
            .Set(d => d.UpdatedAt, character.UpdatedAt);
}
