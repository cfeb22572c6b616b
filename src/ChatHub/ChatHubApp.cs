using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Chat;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Observability;
using ChatHub.Quotas;
using ChatHub.ScaleOut;
using ChatHub.Storage;

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
            .AddAccounts()
            .AddQuotas()
            .AddCharacters()
            .AddLlm()
            .AddChat()
            .AddScaleOut();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseServiceDefaults().UseQuotas();
        app.MapServiceDefaults()
            .MapObservability()
            .MapAccounts()
            .MapCharacters()
            .MapConversations()
            .MapChat();
        return app;
    }
}
