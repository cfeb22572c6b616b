using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Engine;
using ChatHub.LoadTest.Report;

namespace ChatHub.Tests.LoadTest;

/// <summary>
/// The load-test tool at a small size against a self-hosted server. It asserts that every reply
/// arrived whole, in order and stored as streamed, never how fast: CI machines vary too much.
/// </summary>
public sealed class LoadSmokeTests
{
    [Fact]
    public async Task FiftySessionsOfThreeMessagesStreamAndStoreEveryReplyCorrectly()
    {
        var options = OptionParser.Parse(
        [
            "--users", "50", "--messages", "3", "--ramp-up", "1", "--think-ms", "50",
            "--second-device-ratio", "0.2", "--tokens-per-second", "400", "--duration", "50",
        ]);
        using var output = new StringWriter();

        var report = await LoadRun.RunAsync(options, output, TestContext.Current.CancellationToken);
        // The tool's own tables, in the test log: on a failure they say which stage went wrong and how long each took.
        TextReport.Write(report, options, output);
        TestContext.Current.TestOutputHelper?.WriteLine(output.ToString());

        var chat = report.Chat!;
        Assert.True(chat.Errors.Count == 0, string.Join("; ", chat.Errors.Select(e => $"{e.Value} x {e.Key}")));
        Assert.Equal(150, chat.RepliesCompleted);
        Assert.Equal(10, chat.SecondDevices);
        Assert.Equal(new(0, 0, 0, 0), chat.Correctness);
    }
}
