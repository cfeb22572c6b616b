namespace ChatHub.Contracts;

/// <summary>The routes of user-made characters: cards, avatars, reports and moderation.</summary>
public static partial class Routes
{
    public const string CharacterImport = "/api/characters/import";
    public const string AdminCharacterReports = "/api/admin/character-reports";

    public static string CharacterExport(string id, string format) => $"{Character(id)}/export?format={Uri.EscapeDataString(format)}";

    public static string CharacterAvatar(string id) => $"{Character(id)}/avatar";

    public static string CharacterReport(string id) => $"{Character(id)}/report";

    public static string CharacterHide(string id) => $"/api/admin/characters/{Uri.EscapeDataString(id)}/hide";

    public static string CharacterUnhide(string id) => $"/api/admin/characters/{Uri.EscapeDataString(id)}/unhide";

    public static string CharacterReports(int? limit = null, string? before = null) =>
        WithQuery(AdminCharacterReports, ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("before", before));

    public static string Catalogue(string? query = null, string? tag = null, string? sort = null, string? cursor = null, int? limit = null, bool? mine = null) =>
        WithQuery(Characters, ("query", query), ("tag", tag), ("sort", sort), ("cursor", cursor),
            ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("mine", mine is true ? "true" : null));
}
