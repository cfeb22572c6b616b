using ChatHub.Contracts;
using Microsoft.AspNetCore.SignalR;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChatHub.Observability;

public static class ObservabilityExtensions
{
    public const string MetricsPath = "/metrics";

    // SignalR's own spans (one per hub method call) and meter (connections, their duration).
    private const string SignalRSource = "Microsoft.AspNetCore.SignalR.Server";
    private const string SignalRMeter = "Microsoft.AspNetCore.Http.Connections";
    private const string HubDispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";
    private const string HubConnectionHandlerCategory = "Microsoft.AspNetCore.SignalR.HubConnectionHandler";

    /// <summary>
    /// OpenTelemetry metrics and traces: ASP.NET Core, HttpClient (the model's calls), the runtime and
    /// our own <see cref="ChatMetrics"/>. Exported to Prometheus at <c>/metrics</c> (unless
    /// <c>Telemetry:Prometheus</c> is false) and over OTLP when a collector is configured.
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        var options = Read(builder.Configuration);
        if (options.OtlpEndpoint is { } uri && (!uri.IsAbsoluteUri || uri.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"Telemetry:OtlpEndpoint must be an absolute http(s) URL, not '{uri}'.");
        }

        // Its "Failed to invoke hub method" line is an Error with a stack trace for every refusal (a bad id, a message
        // too long): HubErrorFilter logs each real failure once at Error, and each refusal as one Debug line.
        builder.Logging.AddFilter(HubDispatcherCategory, LogLevel.None);
        // Likewise its "Error when dispatching 'OnConnectedAsync'" for every connection refused over the cap, and the
        // stack of every connection closed for an unknown message type: HubErrorFilter logs the real failures.
        builder.Logging.AddFilter(HubConnectionHandlerCategory, LogLevel.None);
        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddSignalR(hub => hub.AddFilter<ConnectionMetricsFilter>());

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "characterchat"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ChatMetrics.Name, SignalRMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (options.Prometheus) metrics.AddPrometheusExporter();
            })
            .WithTracing(tracing => tracing
                .AddSource(ChatMetrics.Name, SignalRSource)
                // Probes and scrapes arrive every few seconds and would drown the traces worth reading.
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => !IsProbe(http.Request.Path))
                .AddHttpClientInstrumentation());

        if (options.OtlpEndpoint is { } endpoint)
        {
            var protocol = builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            otel.UseOtlpExporter(protocol, endpoint);
        }
        else if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Reads every OTEL_EXPORTER_OTLP_* setting itself (protocol, headers, per-signal endpoints).
            otel.UseOtlpExporter();
        }
        return builder;
    }

    public static IEndpointRouteBuilder MapObservability(this IEndpointRouteBuilder app)
    {
        // Scrapers carry no user token; keep the path away from the public internet at the load balancer.
        if (Read(app.ServiceProvider.GetRequiredService<IConfiguration>()).Prometheus) app.MapPrometheusScrapingEndpoint(MetricsPath).AllowAnonymous();
        return app;
    }

    /// <summary>Read from configuration, not through IOptions: which exporters exist is decided while the services are being built.</summary>
    private static TelemetryOptions Read(IConfiguration configuration) =>
        configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(Routes.HealthLive) || path.StartsWithSegments(Routes.HealthReady) || path.StartsWithSegments(Routes.HealthModels)
        || path.StartsWithSegments(MetricsPath);
}
