using ChatHub.Accounts.Deletion;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatHub.Usage;

public static class UsageExtensions
{
    /// <summary>
    /// Token usage: each reply's, the per user and day totals (batched off the reply path by <see cref="UsageFlusher"/>)
    /// and the role budgets. Added before the chat feature: its flusher then stops after the replies have drained.
    /// </summary>
    public static WebApplicationBuilder AddUsage(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UsageFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<UsageFlusher>());
        services.TryAddSingleton<IUsageCounter, SingleNodeUsageCounter>();
        services.AddSingleton<UsageRecorder>();
        services.AddSingleton<UsageLedger>();
        services.AddUserDataEraser("usage", sp => sp.GetRequiredService<IUsageStore>().DeleteUserAsync);
        return builder;
    }
}
