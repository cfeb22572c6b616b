using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ChatHub.Contracts;

public enum HubProtocol { Json, MessagePack }

/// <summary>
/// The typed .NET client of the chat hub: <see cref="IChatHub"/> calls become hub invocations and
/// the server's events reach an <see cref="IChatHubClient"/> given to <see cref="Register"/>.
/// </summary>
public sealed class ChatHubProxy(HubConnection connection) : IChatHub, IAsyncDisposable
{
    public HubConnection Connection { get; } = connection;

    /// <summary>
    /// A proxy over WebSockets to <paramref name="serverUrl"/>'s hub. The token provider is asked on
    /// every (re)connect. Call <see cref="HubConnection.StartAsync"/> on <see cref="Connection"/>.
    /// </summary>
    public static ChatHubProxy Create(
        Uri serverUrl,
        Func<Task<string?>> accessTokenProvider,
        HubProtocol protocol = HubProtocol.Json,
        Action<IHubConnectionBuilder>? configure = null)
    {
        var builder = new HubConnectionBuilder().WithUrl(new Uri(serverUrl, Routes.ChatHub), options =>
        {
            options.AccessTokenProvider = accessTokenProvider;
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
        });
        // A brief network drop then replays what was missed instead of losing deltas.
        builder.WithStatefulReconnect();
        if (protocol == HubProtocol.MessagePack) builder.AddMessagePackProtocol();
        configure?.Invoke(builder);
        return new ChatHubProxy(builder.Build());
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => Connection.StartAsync(cancellationToken);

    public Task<SendMessageResult> SendMessage(SendMessageRequest request) =>
        Connection.InvokeAsync<SendMessageResult>(HubMethods.SendMessage, request);

    public Task<ConversationSnapshot> WatchConversation(string conversationId) =>
        Connection.InvokeAsync<ConversationSnapshot>(HubMethods.WatchConversation, conversationId);

    public Task StopReply(string replyId) => Connection.InvokeAsync(HubMethods.StopReply, replyId);

    public Task<ReplyResult> RegenerateReply(RegenerateReplyRequest request) =>
        Connection.InvokeAsync<ReplyResult>(HubMethods.RegenerateReply, request);

    public Task<EditMessageResult> EditMessage(EditMessageRequest request) =>
        Connection.InvokeAsync<EditMessageResult>(HubMethods.EditMessage, request);

    public Task<ReplyResult> ContinueReply(ContinueReplyRequest request) =>
        Connection.InvokeAsync<ReplyResult>(HubMethods.ContinueReply, request);

    public Task<ConversationSnapshot> SelectBranch(SelectBranchRequest request) =>
        Connection.InvokeAsync<ConversationSnapshot>(HubMethods.SelectBranch, request);

    public Task DeleteMessage(DeleteMessageRequest request) => Connection.InvokeAsync(HubMethods.DeleteMessage, request);

    /// <summary>Routes every server event to <paramref name="receiver"/> until the result is disposed.</summary>
    public IDisposable Register(IChatHubClient receiver) => new Subscriptions(
    [
        Connection.On<MessageAppended>(HubEvents.MessageAppended, receiver.MessageAppended),
        Connection.On<ReplyStarted>(HubEvents.ReplyStarted, receiver.ReplyStarted),
        Connection.On<ReplyDelta>(HubEvents.ReplyDelta, receiver.ReplyDelta),
        Connection.On<ReplyCompleted>(HubEvents.ReplyCompleted, receiver.ReplyCompleted),
        Connection.On<ReplyFailed>(HubEvents.ReplyFailed, receiver.ReplyFailed),
        Connection.On<MessageEdited>(HubEvents.MessageEdited, receiver.MessageEdited),
        Connection.On<MessagesDeleted>(HubEvents.MessagesDeleted, receiver.MessagesDeleted),
        Connection.On<BranchSelected>(HubEvents.BranchSelected, receiver.BranchSelected),
        Connection.On<ConversationUpdated>(HubEvents.ConversationUpdated, receiver.ConversationUpdated),
        Connection.On<SessionEnded>(HubEvents.SessionEnded, receiver.SessionEnded),
    ]);

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    private sealed class Subscriptions(IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items) item.Dispose();
        }
    }
}
