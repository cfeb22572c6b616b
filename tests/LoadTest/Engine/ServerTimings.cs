using System.Diagnostics.Metrics;
using ChatHub.Observability;

namespace ChatHub.LoadTest.Engine;

/// <summary>
/// Reads the time to first token the server under test records itself, for a self-hosted run: the
/// hub's own share of what the clients measure, without the clients' queues and sockets.
/// </summary>
public static class ServerTimings
{
    public static IDisposable? Listen(IServiceProvider? services, Samples samples)
    {
        if (services is null) return null;
        var factory = services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == ChatMetrics.TimeToFirstToken) listener.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => samples.Add(Metrics.ServerFirstDelta, value));
        listener.Start();
        return listener;
    }
}
