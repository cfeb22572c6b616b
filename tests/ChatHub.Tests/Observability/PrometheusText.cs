using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatHub.Tests.Observability;

/// <summary>The samples of a Prometheus text exposition, enough to find a series by name and labels.</summary>
public sealed partial class PrometheusText(string text)
{
    public string Text { get; } = text;

    /// <summary>The values of every series with this exact name that carries all the given labels.</summary>
    public IReadOnlyList<double> Values(string name, params (string Label, string Value)[] labels) =>
        Text.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == name)
            .Where(m => labels.All(l => m.Groups["labels"].Value.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture))
            .ToList();

    /// <summary>The sum over the matching series; zero when there are none.</summary>
    public double Total(string name, params (string Label, string Value)[] labels) => Values(name, labels).Sum();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex Sample();
}
