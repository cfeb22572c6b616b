using System.Diagnostics.Metrics;
using ChatHub.Observability;

namespace ChatHub.Tests.Observability;

public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Every measurement of one server's <see cref="ChatMetrics"/>. Other tests' servers in this process
/// have meters of the same name; the meter's scope (the server's own <see cref="IMeterFactory"/>) tells them apart.
/// </summary>
public sealed class MeterCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly List<Measurement> _measurements = [];

    public MeterCapture(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatMetrics.Name && instrument.Meter.Scope == factory) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    public IReadOnlyList<Measurement> Of(string instrument)
    {
        lock (_lock) return _measurements.Where(m => m.Instrument == instrument).ToList();
    }

    public double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

    /// <summary>How many replies ended with this outcome.</summary>
    public int Ended(string outcome) => Of("characterchat.replies.ended").Count(m => Equals(m.Tags["outcome"], outcome));

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measurement = new Measurement(instrument.Name, value, new Dictionary<string, object?>(tags.ToArray()));
        lock (_lock) _measurements.Add(measurement);
    }
}
