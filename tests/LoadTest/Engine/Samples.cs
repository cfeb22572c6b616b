using System.Collections.Concurrent;
using ChatHub.LoadTest.Report;

namespace ChatHub.LoadTest.Engine;

/// <summary>Every measured value, by metric, summarized once the run is over.</summary>
public sealed class Samples
{
    private readonly ConcurrentDictionary<string, List<double>> _values = new();

    public void Add(string metric, double value) => AddRange(metric, [value]);

    public void AddRange(string metric, IEnumerable<double> values)
    {
        var list = _values.GetOrAdd(metric, _ => []);
        lock (list) list.AddRange(values);
    }

    public IReadOnlyList<Summary> Summarize() =>
        [.. Metrics.Order.Where(_values.ContainsKey).Select(metric => Summary.Of(metric, _values[metric]))];
}
