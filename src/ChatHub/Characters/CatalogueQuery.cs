namespace ChatHub.Characters;

/// <summary>
/// A page of the catalogue as <paramref name="ViewerId"/> sees it: public characters that are not hidden, plus
/// the viewer's own (all of them when <paramref name="MineOnly"/>), never deleted ones.
/// </summary>
/// <param name="Words">Every word must be in the name, description or tags (whole words, any case); empty: no text filter.</param>
/// <param name="Tag">Only characters with this tag (any case); null: any.</param>
/// <param name="Popular">Most conversations started first; else newest first.</param>
/// <param name="After">Where the previous page ended; null for the first page.</param>
public sealed record CatalogueQuery(
    string ViewerId,
    IReadOnlyList<string> Words,
    string? Tag,
    bool Popular,
    CatalogueCursor? After,
    int Limit,
    bool MineOnly = false);

/// <summary>The last character of a page: its sort key (conversations started, or created-at milliseconds) and id.</summary>
public sealed record CatalogueCursor(long Key, string Id);

/// <param name="Next">Where the next page starts; null when this is the last.</param>
public sealed record CataloguePage(IReadOnlyList<Character> Characters, CatalogueCursor? Next);
