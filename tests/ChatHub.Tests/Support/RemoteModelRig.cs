using ChatHub.Contracts;
using ChatHub.Tests.Llm;

namespace ChatHub.Tests.Support;

/// <summary>A server whose model is a <see cref="FakeOpenAiServer"/>, with a user, a conversation of theirs and a connected device.</summary>
public sealed record RemoteModelRig(FakeOpenAiServer Fake, ChatServer Server, TestUser User, ConversationDto Conversation, Device Device) : IAsyncDisposable
{
    public static async Task<RemoteModelRig> StartAsync(IReadOnlyDictionary<string, string>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var fake = await FakeOpenAiServer.StartAsync(TestContext.Current.CancellationToken);
        var server = await ChatServer.StartAsync(settings, configure: b =>
        {
            b.Configuration.AddInMemoryCollection(fake.LlmConfiguration);
            configure?.Invoke(b);
        });
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        return new RemoteModelRig(fake, server, user, conversation, await user.ConnectAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Device.DisposeAsync();
        await Server.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
