using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Chat;
using ChatHub.Conversations;
using ChatHub.Email;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Observability;
using ChatHub.Quotas;
using ChatHub.ScaleOut;
using ChatHub.Storage;
using ChatHub.Usage;
using ChatHub.Web;

namespace ChatHub;

/// <summary>The service's table of contents: each feature adds its services and maps its endpoints.</summary>
public static class ChatHubApp
{
    /// <param name="configure">Lets tests put real-but-local parts in place before the app is built.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults()
            .AddObservability()
            .AddStorage()
            .AddEmail()
            .AddAccounts()
            .AddQuotas()
            .AddCharacters()
            .AddConversations()
            .AddLlm()
            .AddUsage()
            .AddChat()
            .AddScaleOut();
        configure?.Invoke(builder);

        var app = builder.Build();
        // First the real query for the pipeline (logs and traces see it redacted); then the headers, so every answer
        // carries them; then the page, which is public and must come before authorization.
        app.UseSecretQuery();
        app.UseSecurityHeaders();
        app.UseWeb();
        app.UseServiceDefaults().UseQuotas();
        app.MapServiceDefaults()
            .MapObservability()
            .MapAccounts()
            .MapCharacters()
            .MapConversations()
            .MapChat()
            .MapLlm()
            .MapUsage()
            .MapWeb();
        return app;
    }
}
