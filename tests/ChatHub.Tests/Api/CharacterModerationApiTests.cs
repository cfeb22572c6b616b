using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using static ChatHub.Tests.Support.CharacterCalls;

namespace ChatHub.Tests.Api;

public sealed class CharacterModerationApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AReportReachesTheAdminsWhoHideTheCharacterFromTheCatalogueAndFromNewConversations()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var owner = await server.CreateUserAsync();
        var reporter = await server.CreateUserAsync();
        var tag = $"t{Guid.NewGuid():N}"[..12];
        var character = await owner.CreateCharacterAsync(NewCharacter("Troll", CharacterVisibility.Public) with { Tags = [tag] });
        var earlier = await reporter.CreateConversationAsync(character.Id);
        using var reporterHttp = reporter.Http();
        using var adminHttp = admin.Http();

        var reported = await reporterHttp.PostAsJsonAsync(Routes.CharacterReport(character.Id), new ReportCharacterRequest { Reason = "  Hateful replies.  " }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, reported.StatusCode);
        var reports = (await adminHttp.GetFromJsonAsync<CharacterReportPage>(Routes.CharacterReports(), Ct))!;
        var report = Assert.Single(reports.Reports);
        Assert.Equal((character.Id, reporter.Id, "Hateful replies."), (report.CharacterId, report.ReporterId, report.Reason));

        Assert.Equal(HttpStatusCode.NoContent, (await adminHttp.PostAsync(Routes.CharacterHide(character.Id), null, Ct)).StatusCode);
        Assert.Empty((await reporter.CatalogueAsync(Routes.Catalogue(tag: tag))).Page);
        var refused = await reporterHttp.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = character.Id }, Ct);
        Assert.Equal("This character takes no new conversations.", (await refused.ProblemAsync()).Detail);
        Assert.True((await owner.CatalogueAsync(Routes.Catalogue(mine: true))).Page.Single().Hidden);
        // The conversation from before goes on.
        await using (var device = await reporter.ConnectAsync())
        {
            var sent = await device.SendAsync(earlier.Id, "Still here?");
            await device.Events.Completed(sent.ReplyId);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await adminHttp.PostAsync(Routes.CharacterUnhide(character.Id), null, Ct)).StatusCode);
        Assert.Single((await reporter.CatalogueAsync(Routes.Catalogue(tag: tag))).Page);
    }

    [Fact]
    public async Task OnlyAdminsReadReportsAndHideCharacters()
    {
        var (server, _) = await ChatServer.StartWithAdminAsync();
        await using var __ = server;
        var owner = await server.CreateUserAsync();
        var character = await owner.CreateCharacterAsync(NewCharacter("Fine", CharacterVisibility.Public));
        using var http = (await server.CreateUserAsync()).Http();

        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(Routes.CharacterReports(), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.PostAsync(Routes.CharacterHide(character.Id), null, Ct)).StatusCode);
        Assert.False((await owner.CatalogueAsync(Routes.Catalogue(mine: true))).Page.Single().Hidden);
    }

    [Fact]
    public async Task AReportNeedsAReasonAndACharacterTheReporterCanSee()
    {
        await using var server = await ChatServer.StartAsync();
        var owner = await server.CreateUserAsync();
        var secret = await owner.CreateCharacterAsync(NewCharacter("Secret"));
        var open = await owner.CreateCharacterAsync(NewCharacter("Open", CharacterVisibility.Public));
        using var http = (await server.CreateUserAsync()).Http();

        var noReason = await http.PostAsJsonAsync(Routes.CharacterReport(open.Id), new ReportCharacterRequest { Reason = "   " }, Ct);
        var hiddenFromReporter = await http.PostAsJsonAsync(Routes.CharacterReport(secret.Id), new ReportCharacterRequest { Reason = "Bad." }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hiddenFromReporter.StatusCode);
    }
}
