using System.Threading.RateLimiting;
using ChatHub.Infrastructure;

namespace ChatHub.Quotas;

public static class QuotaExtensions
{
    /// <summary>The rate-limit policy of REST writes that cost something: one bucket per user, sized by role.</summary>
    public const string ConversationsPolicy = "conversations";

    public static WebApplicationBuilder AddQuotas(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuotaOptions>().BindConfiguration(QuotaOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IRateLimitPartitions, InMemoryRateLimitPartitions>();
        builder.Services.AddSingleton<IQuotaService, QuotaService>();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.AddPolicy(ConversationsPolicy, http =>
                http.RequestServices.GetRequiredService<IQuotaService>().RateLimitFor(QuotaActions.Conversations, http.User));
            options.OnRejected = async (context, _) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                Problems.SetRetryAfter(context.HttpContext.Response, wait);
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, Problems.TooManyRequestsTitle,
                    $"You are doing this too often. Try again in {Problems.Seconds(wait)} seconds.");
            };
        });
        return builder;
    }

    /// <summary>After authentication: limits are counted per signed-in user.</summary>
    public static WebApplication UseQuotas(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }
}
