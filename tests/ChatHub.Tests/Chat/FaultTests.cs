using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Storage;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Data.Sqlite;

namespace ChatHub.Tests.Chat;

public sealed class FaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WhileTheStoreIsUnreachableCallsFailClearlyAndNothingIsHalfWritten()
    {
        var dataDir = Directory.CreateTempSubdirectory("chathub-outage-").FullName;
        var dbDir = Path.Combine(dataDir, "db");
        await using var server = await ChatServer.StartAsync(
            new Dictionary<string, string> { ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(dbDir, "chathub.db")}" },
            dataDir, ownsDataDir: true);
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        using var http = user.Http();

        // The disk under the store goes away: no pooled handle may keep the old file reachable.
        Directory.Move(dbDir, dbDir + "-away");
        SqliteConnection.ClearAllPools();
        try
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "Is anyone there?"));
            var rest = await http.GetAsync(Routes.Conversations, Ct);

            Assert.Equal(StoreErrors.Unavailable, refused.UserMessage());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, rest.StatusCode);
            Assert.Equal("application/problem+json", rest.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(rest.Headers.RetryAfter);
            Assert.DoesNotContain("sqlite", await rest.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Move(dbDir + "-away", dbDir);
        }

        Assert.Empty(await user.MessagesAsync(conversation.Id));
        var sent = await device.SendAsync(conversation.Id, "Back again");
        await device.Events.Completed(sent.ReplyId);
    }

    [Fact]
    public async Task ShutdownLetsAReplyInFlightFinishAndStoresIt()
    {
        var dataDir = Directory.CreateTempSubdirectory("chathub-drain-").FullName;
        var settings = new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "20" };
        var server = await ChatServer.StartAsync(settings, dataDir);
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        SendMessageResult sent;
        await using (var device = await user.ConnectAsync())
        {
            sent = await device.SendAsync(conversation.Id, "Finish what you started");
            await device.Events.Delta(sent.ReplyId, 1);
            await server.DisposeAsync().AsTask().Bounded();
        }

        await using var restarted = await ChatServer.StartAsync(settings, dataDir, ownsDataDir: true);
        using var anonymous = restarted.CreateHttpClient();
        var login = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email, Password = user.Password }, Ct);
        var auth = (await login.Content.ReadFromJsonAsync<AuthResponse>(Ct))!;
        var stored = await (user with { Server = restarted, AccessToken = auth.AccessToken }).MessagesAsync(conversation.Id);

        Assert.Equal([sent.UserMessageId, sent.ReplyId], stored.Select(m => m.Id));
        Assert.Equal(MessageValues.StatusComplete, stored[1].Status);
        Assert.True(stored[1].Message.Split(' ').Length > 10, "the whole reply was written, not just what was out at shutdown");
    }
}
