namespace ChatHub.Characters;

public sealed record CharacterReport(string Id, string CharacterId, string ReporterId, string Reason, DateTimeOffset CreatedAt);
