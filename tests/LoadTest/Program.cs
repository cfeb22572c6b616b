using ChatHub.LoadTest.Cli;
using ChatHub.LoadTest.Engine;
using ChatHub.LoadTest.Report;
using ChatHub.LoadTest.Soak;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(OptionParser.Usage);
    return 0;
}

LoadOptions options;
try
{
    options = OptionParser.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(OptionParser.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the run early but still prints what was measured.
    e.Cancel = true;
    stop.Cancel();
};

if (options.Soak)
{
    var soak = await SoakRun.RunAsync(options, Console.Out, stop.Token);
    SoakRun.Write(soak, options, Console.Out);
    return soak.Passed ? 0 : 1;
}

var report = await LoadRun.RunAsync(options, Console.Out, stop.Token);
TextReport.Write(report, options, Console.Out);
if (options.JsonPath is { } json) await FileReport.WriteJsonAsync(report, json, CancellationToken.None);
if (options.CsvPath is { } csv) await FileReport.WriteCsvAsync(report, csv, CancellationToken.None);
return report.CorrectnessFailures > 0 ? 1 : 0;
