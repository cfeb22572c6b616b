namespace ChatHub.Contracts;

/// <summary>Values of <see cref="CharacterDto.Visibility"/>.</summary>
public static class CharacterVisibility
{
    /// <summary>Only the owner (and admins) see it.</summary>
    public const string Private = "private";

    /// <summary>Anyone with the id; not in the catalogue.</summary>
    public const string Unlisted = "unlisted";

    /// <summary>In the catalogue.</summary>
    public const string Public = "public";

    public static bool IsKnown(string? value) => value is Private or Unlisted or Public;
}

/// <summary>Values of the catalogue's <c>sort</c>.</summary>
public static class CatalogueSort
{
    /// <summary>Most conversations started first.</summary>
    public const string Popular = "popular";

    /// <summary>Newest first.</summary>
    public const string New = "new";
}

/// <summary>Body of <c>POST /api/characters/{id}/report</c>.</summary>
public sealed record ReportCharacterRequest
{
    public required string Reason { get; init; }
}

/// <summary>A user's report of a character, as admins list them.</summary>
public sealed record CharacterReportDto
{
    public required string Id { get; init; }
    public required string CharacterId { get; init; }
    public required string ReporterId { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>Reports, newest first. Pass the last report's id as <c>before</c> for the next page.</summary>
public sealed record CharacterReportPage
{
    public required IReadOnlyList<CharacterReportDto> Reports { get; init; }
    public required bool HasMore { get; init; }
}
