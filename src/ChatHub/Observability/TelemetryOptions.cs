namespace ChatHub.Observability;

/// <summary>
/// The <c>Telemetry</c> configuration section. The standard <c>OTEL_*</c> variables work as well:
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> turns the OTLP exporter on, <c>OTEL_SERVICE_NAME</c> names the service.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>An OTLP collector for metrics, traces and logs; unset (and no <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): nothing is pushed.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Serve <c>GET /metrics</c> for a Prometheus scraper.</summary>
    public bool Prometheus { get; set; } = true;
}
