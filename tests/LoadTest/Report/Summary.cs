namespace ChatHub.LoadTest.Report;

/// <summary>Percentiles of one metric (nearest rank).</summary>
public sealed record Summary(string Metric, int Count, double P50, double P90, double P99, double Max)
{
    public static Summary Of(string metric, List<double> values)
    {
        double[] sorted;
        lock (values) sorted = [.. values];
        Array.Sort(sorted);
        return new Summary(metric, sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1]);
    }

    private static double Rank(double[] sorted, double quantile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
