using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Storage;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Data.Sqlite;

namespace ChatHub.Tests.Faults;

/// <summary>What a user hears when the store fails: "try again" only when trying again can help.</summary>
public sealed class StoreFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AConstraintTheStoreRefusesReadsAsAFailureNotAsAnOutage()
    {
        await using var server = await ChatServer.StartAsync();
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        // A real constraint violation from SQLite itself, where a bug in our SQL would raise one.
        await ExecuteAsync(server, "CREATE TRIGGER refuse_messages BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'refused'); END;");

        var refused = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "Will this fit?"));

        Assert.Equal("Something went wrong on our side. Please try again.", refused.UserMessage());
        await ExecuteAsync(server, "DROP TRIGGER refuse_messages;");
        Assert.Empty(await user.MessagesAsync(conversation.Id));
        var sent = await device.SendAsync(conversation.Id, "And now?");
        await device.Events.Completed(sent.ReplyId);
    }

    [Fact]
    public async Task SqliteBusyIsTransientAndAConstraintViolationIsNot()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("chathub-errors-").FullName, "errors.db");
        await using var holder = new SqliteConnection($"Data Source={path};Pooling=False");
        await holder.OpenAsync(Ct);
        await Run(holder, "PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);");
        await using var other = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=1");
        await other.OpenAsync(Ct);
        await Run(other, "PRAGMA busy_timeout = 0;");

        var duplicate = await Assert.ThrowsAsync<SqliteException>(() => Run(other, "INSERT INTO t VALUES (1);"));
        await Run(holder, "BEGIN IMMEDIATE; INSERT INTO t VALUES (2);");
        var busy = await Assert.ThrowsAsync<SqliteException>(() => Run(other, "INSERT INTO t VALUES (3);"));

        Assert.False(StoreErrors.IsUnavailable(duplicate));
        Assert.Equal(5, busy.SqliteErrorCode);
        Assert.True(StoreErrors.IsUnavailable(busy));
        await Run(holder, "ROLLBACK;");
    }

    [Fact]
    public async Task RestSaysServiceUnavailableOnlyForATransientStoreError()
    {
        await using var server = await ChatServer.StartAsync();
        var user = await server.CreateUserAsync();
        using var http = user.Http();
        await ExecuteAsync(server, "CREATE TRIGGER refuse_conversations BEFORE INSERT ON conversations BEGIN SELECT RAISE(ABORT, 'refused'); END;");

        var response = await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = (await CharacterIdAsync(http)) }, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("refused", await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<string> CharacterIdAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<CharacterDto[]>(Routes.Characters, Ct))![0].Id;

    private static async Task ExecuteAsync(ChatServer server, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDir, "chathub.db")};Pooling=False");
        await connection.OpenAsync(Ct);
        await Run(connection, sql);
    }

    private static async Task Run(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(Ct);
    }
}
