using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ChatHub.Tests.Faults;

/// <summary>Mail waits in the store's outbox until the mail server takes it, across failures and restarts.</summary>
public sealed class MailOutboxTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMailTheServerRefusedIsSentOnceAfterARestart()
    {
        var dataDir = Directory.CreateTempSubdirectory("chathub-outbox-").FullName;
        await using var smtp = new SmtpTestServer();
        var retryFast = new Dictionary<string, string> { ["Email:RetryBackoff"] = "00:00:00.05", ["Email:MaxAttempts"] = "30" };
        // First the mail server is away: nothing listens on its port.
        var away = new Dictionary<string, string>(smtp.Settings.Concat(retryFast)) { ["Email:Smtp:Port"] = RedisProcess.FreePort().ToString() };
        string email;
        await using (var first = await ChatServer.StartAsync(away, dataDir))
        {
            email = (await first.CreateUserAsync()).Email;
            using var http = first.CreateHttpClient();
            (await http.PostAsJsonAsync(Routes.PasswordReset, new PasswordResetRequest { Email = email }, Ct)).EnsureSuccessStatusCode();
            await RedisProcess.WaitUntilAsync(() => Outbox(dataDir) is [> 1]);
        }

        await using var second = await ChatServer.StartAsync(new Dictionary<string, string>(smtp.Settings.Concat(retryFast)), dataDir, ownsDataDir: true);
        var mail = await smtp.WaitForMailAsync(email).Bounded();

        Assert.NotEmpty(mail.Token);
        await RedisProcess.WaitUntilAsync(() => Outbox(dataDir) is []);
        Assert.Single(smtp.MailsTo(email));
    }

    /// <summary>The attempts of every mail still in the outbox.</summary>
    private static long[] Outbox(string dataDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "chathub.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT attempts FROM mail_outbox";
        using var reader = command.ExecuteReader();
        var attempts = new List<long>();
        while (reader.Read()) attempts.Add(reader.GetInt64(0));
        return [.. attempts];
    }
}
