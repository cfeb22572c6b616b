using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Tests.Observability;

/// <summary>Refused hub calls are routine: they must not fill the Error log with stack traces.</summary>
public sealed class RefusalLogTests
{
    [Fact]
    public async Task RefusedHubCallsWriteNoErrorOrStackTraceOnlyOneDebugLineEach()
    {
        var logs = new CapturedLogs();
        await using var server = await ChatServer.StartAsync(
            new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Debug" }, configure: builder => builder.Logging.AddProvider(logs));
        var user = await server.CreateUserAsync();
        await using var device = await user.ConnectAsync();
        var before = logs.Lines.Count;

        for (var i = 0; i < 20; i++)
        {
            await Assert.ThrowsAsync<HubException>(() => device.SendAsync("not-an-id", "Hello?"));
        }
        // The connection stays usable, and the last refusal's line is written before this call is answered.
        await Assert.ThrowsAsync<HubException>(() => device.Hub.WatchConversation("not-an-id").Bounded());

        var written = logs.Lines.Skip(before).ToList();
        Assert.DoesNotContain(written, line => line.StartsWith("Error", StringComparison.Ordinal) || line.StartsWith("Warning", StringComparison.Ordinal));
        Assert.DoesNotContain(written, line => line.Contains("Failed to invoke hub method", StringComparison.Ordinal) || line.Contains("   at ", StringComparison.Ordinal));
        Assert.Equal(21, written.Count(line => line.StartsWith("Debug ChatHub.Chat.HubErrorFilter", StringComparison.Ordinal) && line.Contains("refused")));
    }
}
