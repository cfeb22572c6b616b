using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.SignalR;
using ChatHub.Chat.Connections;
using ChatHub.Chat.Delivery;
using ChatHub.Contracts;
using Microsoft.Extensions.Options;
using ChatHub.Conversations;

namespace ChatHub.Chat;

public static class ChatExtensions
{
    /// <summary>Large enough that an over-long message gets a clear refusal instead of a dropped connection.</summary>
    public const int MaxReceiveBytes = 256 * 1024;

    public static WebApplicationBuilder AddChat(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatSettings>().BindConfiguration(ChatSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<HubSettings>().BindConfiguration(HubSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSignalR(options =>
        {
            options.MaximumReceiveMessageSize = MaxReceiveBytes;
            options.AddFilter<HubErrorFilter>();
            options.AddFilter<ConnectionCapFilter>();
            options.AddFilter<ClientTimeoutFilter>();
        }).AddMessagePackProtocol();
        builder.Services.AddOptions<HubOptions>().Configure<IOptions<HubSettings>>((hub, settings) =>
        {
            hub.KeepAliveInterval = TimeSpan.FromSeconds(settings.Value.KeepAliveSeconds);
            hub.ClientTimeoutInterval = TimeSpan.FromSeconds(settings.Value.ClientTimeoutSeconds);
            hub.HandshakeTimeout = TimeSpan.FromSeconds(settings.Value.HandshakeTimeoutSeconds);
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IHubProtocolResolver, StrictHubProtocols>());
        builder.Services.AddSingleton<InMemoryConnectionCounts>();
        builder.Services.TryAddSingleton<IConnectionCounts>(sp => sp.GetRequiredService<InMemoryConnectionCounts>());
        // No group send waits for its slowest member's socket; with Redis, ScaleOut puts its backplane in this place.
        builder.Services.AddQueuedDelivery(typeof(DefaultHubLifetimeManager<>));
        builder.Services.TryAddSingleton<IReplyRegistry, SingleNodeReplyRegistry>();
        builder.Services.AddSingleton<IUserIdProvider, SubjectUserIds>();
        builder.Services.AddSingleton<ReplyEnding>();
        builder.Services.AddSingleton<ConversationNotices>();
        builder.Services.AddSingleton<IConversationUpdates>(sp => sp.GetRequiredService<ConversationNotices>());
        builder.Services.AddSingleton<BackgroundAsks>();
        builder.Services.AddSingleton<ConversationTitleWriter>();
        builder.Services.AddSingleton<ConversationMemoryWriter>();
        builder.Services.AddSingleton<ReplyTurns>();
        builder.Services.AddSingleton<ReplySlots>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplySlots>());
        builder.Services.AddSingleton<IConversationEvents>(sp => sp.GetRequiredService<ReplySlots>());
        builder.Services.AddSingleton<ILocalReplies>(sp => sp.GetRequiredService<ReplySlots>());
        // With Redis the surviving nodes end the replies of a node that died; alone, the node ends its own at start-up.
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Redis"))) builder.Services.AddHostedService<InterruptedReplies>();
        return builder;
    }

    public static IEndpointRouteBuilder MapChat(this IEndpointRouteBuilder app)
    {
        app.MapHub<CharacterChatHub>(Routes.ChatHub, options => options.AllowStatefulReconnects = true);
        return app;
    }
}
