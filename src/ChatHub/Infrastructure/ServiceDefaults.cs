using ChatHub.Contracts;
using ChatHub.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ChatHub.Infrastructure;

/// <summary>What every feature shares: clock, ProblemDetails, health, the OpenAPI document, hardening.</summary>
public static class ServiceDefaults
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IHttpContextFactory, RedactingHttpContextFactory>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = FrameworkProblems.AddDetail);
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi();
        // Secrets at rest are encrypted with keys every node of a deployment must share.
        var keys = builder.Configuration["DataProtection:KeysPath"] is { Length: > 0 } path
            ? path
            : Path.Combine(builder.Configuration.DataDir(), "keys");
        builder.Services.AddDataProtection().SetApplicationName("CharacterChat").PersistKeysToFileSystem(new DirectoryInfo(keys));
        return builder.AddHardening().AddAbuseLimits();
    }

    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseForwardedClientAddress();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiBodyLimit();
        // Before authentication: a preflight carries no token and is answered here.
        app.UseCors();
        app.UseRejectionsBeforeSignIn();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static IEndpointRouteBuilder MapServiceDefaults(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Routes.HealthLive, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks(Routes.HealthReady, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
