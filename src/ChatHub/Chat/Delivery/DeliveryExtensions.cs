using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatHub.Chat.Delivery;

public static class DeliveryExtensions
{
    /// <summary>
    /// Hub messages are delivered by <paramref name="manager"/> (an open generic lifetime manager) through a
    /// <see cref="QueuedHubLifetimeManager{THub}"/>. Call it after anything that registers a lifetime manager of its own.
    /// </summary>
    public static IServiceCollection AddQueuedDelivery(this IServiceCollection services, Type manager)
    {
        services.RemoveAll(typeof(HubLifetimeManager<>));
        services.RemoveAll<HubDelivery>();
        services.AddSingleton(new HubDelivery(manager));
        services.AddSingleton(typeof(HubLifetimeManager<>), typeof(QueuedHubLifetimeManager<>));
        return services;
    }
}
