using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatHub.LoadTest.Report;

/// <summary>The results as JSON (the whole report) or CSV (one value a row: run, metric, stat, value).</summary>
public static class FileReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Task WriteJsonAsync(LoadReport report, string path, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, Json), cancellationToken);

    public static Task WriteCsvAsync(LoadReport report, string path, CancellationToken cancellationToken)
    {
        var csv = new StringBuilder("run,metric,stat,value\n");
        void Row(string run, string metric, string stat, double value) =>
            csv.Append(CultureInfo.InvariantCulture, $"\"{run}\",\"{metric}\",{stat},{value}\n");
        void Summaries(string run, IReadOnlyList<Summary> rows)
        {
            foreach (var s in rows)
            {
                Row(run, s.Metric, "count", s.Count);
                Row(run, s.Metric, "p50", s.P50);
                Row(run, s.Metric, "p90", s.P90);
                Row(run, s.Metric, "p99", s.P99);
                Row(run, s.Metric, "max", s.Max);
            }
        }
        foreach (var run in new[] { report.Chat, report.Baseline }.OfType<ChatRunResult>())
        {
            Summaries(run.Target, run.Latencies);
            Row(run.Target, "replies completed", "value", run.RepliesCompleted);
            Row(run.Target, "replies expected", "value", run.RepliesExpected);
            Row(run.Target, "tokens/s", "value", run.TokensPerSecond);
            Row(run.Target, "deltas/s", "value", run.DeltasPerSecond);
            Row(run.Target, "CPU seconds", "value", run.CpuSeconds);
            Row(run.Target, "allocated bytes", "value", run.AllocatedBytes);
            Row(run.Target, "correctness failures", "value", run.Correctness.Total);
            Row(run.Target, "errors", "value", run.Errors.Values.Sum());
        }
        if (report.Idle is { } idle)
        {
            Summaries(idle.Target, idle.Latencies);
            Row(idle.Target, "idle connections", "value", idle.Connected);
            if (idle.RssPerConnection is { } rss) Row(idle.Target, "RSS bytes per connection", "value", rss);
            if (idle.GcHeapPerConnection is { } heap) Row(idle.Target, "GC heap bytes per connection", "value", heap);
        }
        return File.WriteAllTextAsync(path, csv.ToString(), cancellationToken);
    }
}
