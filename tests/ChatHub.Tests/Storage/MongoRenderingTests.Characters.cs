using ChatHub.Characters;
using ChatHub.Storage.Mongo;
using MongoDB.Bson;

namespace ChatHub.Tests.Storage;

public sealed partial class MongoRenderingTests
{
    [Fact]
    public void TheCatalogueMatchesStoredWordsAndTagsAsValuesNeverAsPatterns()
    {
        var viewer = ObjectId.GenerateNewId();
        var hostile = ".*(a+)+$";
        var query = new CatalogueQuery(viewer.ToString(), ["gotham", hostile], "Hero", Popular: true, After: null, Limit: 10);

        var filter = Render(MongoCharacterStore.CatalogueFilter(query));

        var text = filter.ToJson();
        Assert.DoesNotContain("$regex", text);
        Assert.DoesNotContain("$where", text);
        Assert.Contains(new BsonElement("search_words", new BsonDocument("$all", new BsonArray { "gotham", hostile })), filter.Elements);
        Assert.Contains(new BsonElement("tag_keys", "hero"), filter.Elements);
    }

    [Fact]
    public void TheCataloguesNextPageStartsAfterTheLastCharactersKeyAndId()
    {
        var last = ObjectId.GenerateNewId();
        var query = new CatalogueQuery(ObjectId.GenerateNewId().ToString(), [], null, Popular: true, new CatalogueCursor(7, last.ToString()), Limit: 10);

        var filter = Render(MongoCharacterStore.CatalogueFilter(query));

        // Two $or (owner or listed; after the cursor) make the driver put the parts in one $and.
        var after = filter["$and"].AsBsonArray.Select(part => part.AsBsonDocument).Last(part => part.Contains("$or"))["$or"].AsBsonArray;
        Assert.Equal(
            new BsonArray
            {
                new BsonDocument("conversations_started", new BsonDocument("$lt", 7L)),
                new BsonDocument { { "conversations_started", 7L }, { "_id", new BsonDocument("$lt", last) } },
            },
            after);
    }

    [Fact]
    public void CharacterDocumentsKeepTheSeedFieldsAndAddTheCardsUnderOneKey()
    {
        var character = new Character(ObjectId.GenerateNewId().ToString(), "Batman", "A brooding vigilante.", ["serious"], ["Gotham"], 0.7, 500, At, At)
        {
            OwnerId = ObjectId.GenerateNewId().ToString(),
            Card = CardFields.Empty with { Lorebook = """{"entries":[{"keys":["$gt"],"content":"x"}],"a.b":1}""", Extensions = """{"$set":{"x.y":1}}""" },
        };

        var document = CharacterDocument.From(character).ToBsonDocument();

        Assert.Equal(["_id", "name", "description", "personality", "ai_settings", "created_at", "updated_at"], document.Names.Take(7));
        Assert.Equal(character.Card.Extensions, document["card"]["extensions"].AsString);
        Assert.Equivalent(character, MongoDB.Bson.Serialization.BsonSerializer.Deserialize<CharacterDocument>(document).ToCharacter(), strict: true);
    }
}
