using ChatHub.Accounts;
using ChatHub.Characters;
using ChatHub.Chat;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Storage;

namespace ChatHub;

/// <summary>The service's table of contents: each feature adds its services and maps its endpoints.</summary>
public static class ChatHubApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults()
            .AddStorage()
            .AddAccounts()
            .AddCharacters()
            .AddLlm()
            .AddChat();

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapServiceDefaults()
            .MapAccounts()
            .MapCharacters()
            .MapConversations()
            .MapChat();
        return app;
    }
}
