using System.Globalization;
using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Engine;

namespace ChatHub.LoadTest.Report;

/// <summary>The tables printed at the end of a run.</summary>
public static class TextReport
{
    public static void Write(LoadReport report, LoadOptions options, TextWriter output)
    {
        if (report.Chat is { } chat) Chat(chat, output);
        if (report.Baseline is { } baseline)
        {
            Chat(baseline, output);
            Compare(report.Chat!, baseline, options, output);
        }
        if (report.Idle is { } idle) Idle(idle, output);
    }

    private static void Chat(ChatRunResult run, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(F($"== {run.Target}: {run.Users} users x {run.MessagesPerUser} messages, {run.Protocol}, {run.SecondDevices} with a second device =="));
        output.WriteLine(F($"registration (before the chat, not in its latencies): {run.RegistrationSeconds:F1} s"));
        output.WriteLine(F($"chat: {run.ChatSeconds:F1} s; replies completed {run.RepliesCompleted} of {run.RepliesExpected}; peak connections {run.PeakConnections}"));
        output.WriteLine(F($"tokens received {run.TokensReceived} = {run.TokensPerSecond:F0}/s; {run.MeanTokensPerReply:F1} per reply"));
        output.WriteLine(F($"deltas received {run.DeltasReceived} = {run.DeltasPerSecond:F0}/s; {run.MeanDeltasPerReply:F1} per reply"));
        output.WriteLine(F($"this process over the chat: CPU {run.CpuSeconds:F1} s = {CpuPerThousandTokens(run):F1} ms per 1,000 tokens; allocated {Mb(run.AllocatedBytes)} = {Kb(AllocatedPerToken(run))} per token"));
        Table(run.Latencies, output);
        Errors(run.Errors, output);
        var c = run.Correctness;
        output.WriteLine(F($"correctness (must be 0): missing seq {c.MissingSeq}, duplicated seq {c.DuplicatedSeq}, out-of-order seq {c.OutOfOrderSeq}, history mismatch {c.HistoryMismatch}"));
    }

    private static void Compare(ChatRunResult real, ChatRunResult bare, LoadOptions options, TextWriter output)
    {
        var model = options.ModelTimeToFirstTokenMs;
        output.WriteLine();
        output.WriteLine(F($"== side by side: model TTFT {model} ms, {options.ModelTokensPerSecond:G} tokens/s ({bare.MeanTokensPerReply:F0} tokens per bare reply) =="));
        output.WriteLine(F($"{"",-40}{"CharacterChat",14}{"bare hub",14}{"ratio",10}"));
        void Row(string name, double? a, double? b) =>
            output.WriteLine(F($"{name,-40}{N(a),14}{N(b),14}{N(a is { } x && b is { } y && y != 0 ? x / y : null),10}"));
        double? P(ChatRunResult r, string metric, Func<Summary, double> pick) => r.Metric(metric) is { } s ? pick(s) : null;
        Row("hub overhead on TTFT p50 (ms)", P(real, Metrics.FirstDelta, s => s.P50 - model), P(bare, Metrics.FirstDelta, s => s.P50 - model));
        Row("hub overhead on TTFT p99 (ms)", P(real, Metrics.FirstDelta, s => s.P99 - model), P(bare, Metrics.FirstDelta, s => s.P99 - model));
        Row("  of which in the hub, p50 (ms)", P(real, Metrics.ServerFirstDelta, s => s.P50 - model), null);
        Row("  of which in the hub, p99 (ms)", P(real, Metrics.ServerFirstDelta, s => s.P99 - model), null);
        Row("delivered tokens/s", real.TokensPerSecond, bare.TokensPerSecond);
        Row("delivered deltas/s", real.DeltasPerSecond, bare.DeltasPerSecond);
        Row("process CPU ms per 1,000 tokens", CpuPerThousandTokens(real), CpuPerThousandTokens(bare));
        Row("process allocated KB per token", AllocatedPerToken(real) / 1024, AllocatedPerToken(bare) / 1024);
        Row("tokens/s per reply p50", P(real, Metrics.StreamRate, s => s.P50), P(bare, Metrics.StreamRate, s => s.P50));
        Row("inter-delta gap p99 (ms)", P(real, Metrics.Gap, s => s.P99), P(bare, Metrics.Gap, s => s.P99));
        Row("completion p50 (ms)", P(real, Metrics.Completion, s => s.P50), P(bare, Metrics.Completion, s => s.P50));
    }

    private static double? CpuPerThousandTokens(ChatRunResult run) => run.TokensReceived == 0 ? null : run.CpuSeconds * 1e6 / run.TokensReceived;

    private static double? AllocatedPerToken(ChatRunResult run) => run.TokensReceived == 0 ? null : (double)run.AllocatedBytes / run.TokensReceived;

    private static void Idle(IdleRunResult run, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(F($"== {run.Target}: {run.Connected} of {run.Requested} idle connections over {run.Accounts} accounts =="));
        output.WriteLine(F($"registration {run.RegistrationSeconds:F1} s; connecting {run.ConnectSeconds:F1} s"));
        Table(run.Latencies, output);
        output.WriteLine($"memory: {run.After.Source}");
        output.WriteLine(F($"  RSS     before {Mb(run.Before.RssBytes),10} after {Mb(run.After.RssBytes),10}  per connection {Kb(run.RssPerConnection),10}"));
        output.WriteLine(F($"  GC heap before {Mb(run.Before.GcHeapBytes),10} after {Mb(run.After.GcHeapBytes),10}  per connection {Kb(run.GcHeapPerConnection),10}"));
        Errors(run.Errors, output);
    }

    private static void Table(IReadOnlyList<Summary> rows, TextWriter output)
    {
        output.WriteLine(F($"{"metric",-40}{"n",9}{"p50",10}{"p90",10}{"p99",10}{"max",10}"));
        foreach (var s in rows) output.WriteLine(F($"{s.Metric,-40}{s.Count,9}{N(s.P50),10}{N(s.P90),10}{N(s.P99),10}{N(s.Max),10}"));
    }

    private static void Errors(IReadOnlyDictionary<string, int> errors, TextWriter output)
    {
        output.WriteLine(errors.Count == 0 ? "errors: none" : "errors by kind:");
        foreach (var (kind, count) in errors) output.WriteLine(F($"  {count,7}  {kind}"));
    }

    /// <summary>Two decimals, except where they would push a big number (an unpaced stream's rate) out of its column.</summary>
    private static string N(double? value) => value switch
    {
        null => "n/a",
        >= 100_000 => F($"{value:F0}"),
        _ => F($"{value:F2}"),
    };

    private static string Mb(long? bytes) => bytes is { } b ? F($"{b / 1048576.0:F1} MB") : "n/a";

    private static string Kb(double? bytes) => bytes is { } b ? F($"{b / 1024:F1} KB") : "n/a";

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
