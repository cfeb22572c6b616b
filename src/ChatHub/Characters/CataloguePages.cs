namespace ChatHub.Characters;

/// <summary>Both stores ask for one more than a page: whether it came says whether there is a next page.</summary>
public static class CataloguePages
{
    public static CataloguePage Of(IReadOnlyList<Character> found, CatalogueQuery query)
    {
        if (found.Count <= query.Limit) return new CataloguePage(found, null);
        var page = found.Take(query.Limit).ToList();
        var last = page[^1];
        return new CataloguePage(page, new CatalogueCursor(SortKey(last, query.Popular), last.Id));
    }

    public static long SortKey(Character character, bool popular) =>
        popular ? character.ConversationsStarted : character.CreatedAt.ToUnixTimeMilliseconds();
}
