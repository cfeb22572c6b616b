using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Tests.Support;
using ChatHub.Storage.Sqlite;

namespace ChatHub.Tests.Chat;

public sealed class TurnTests
{
    [Fact]
    public async Task ATurnIsTwoStoreWritesHoweverManyTokensStream()
    {
        WriteCountingStore? counter = null;
        // Registered last, so it is the store the service resolves.
        await using var server = await ChatServer.StartAsync(configure: builder => builder.Services.AddSingleton<IConversationStore>(sp =>
            counter = new WriteCountingStore(ActivatorUtilities.CreateInstance<SqliteConversationStore>(sp))));
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(conversation.Id, "Count my writes");
        await device.Events.Completed(sent.ReplyId);

        Assert.True(device.Events.Deltas(sent.ReplyId).Count > 5);
        Assert.Equal((1, 1), (counter!.UserAppends, counter.ReplyAppends));
    }

    [Fact]
    public async Task HistorySurvivesARestart()
    {
        var dataDir = Directory.CreateTempSubdirectory("chathub-restart-").FullName;
        var server = await ChatServer.StartAsync(dataDir: dataDir);
        string conversationId, email, password;
        SendMessageResult sent;
        ReplyCompleted completed;
        await using (server)
        {
            var user = await server.CreateUserAsync();
            (email, password) = (user.Email, user.Password);
            conversationId = (await user.CreateConversationAsync()).Id;
            await using var device = await user.ConnectAsync();
            sent = await device.SendAsync(conversationId, "Remember me");
            completed = await device.Events.Completed(sent.ReplyId);
        }

        await using var restarted = await ChatServer.StartAsync(dataDir: dataDir, ownsDataDir: true);
        using var anonymous = restarted.CreateHttpClient();
        var login = await anonymous.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = email, Password = password }, TestContext.Current.CancellationToken);
        var auth = (await login.Content.ReadFromJsonAsync<AuthResponse>(TestContext.Current.CancellationToken))!;
        var again = new TestUser(restarted, auth.User.Id, email, password, auth.AccessToken, auth.RefreshToken);
        await using var laptop = await again.ConnectAsync();
        var snapshot = await laptop.Hub.WatchConversation(conversationId).Bounded();

        Assert.Equal([sent.UserMessageId, sent.ReplyId], snapshot.Messages.Select(m => m.Id));
        Assert.Equal("Remember me", snapshot.Messages[0].Message);
        Assert.Equal(completed.Message, snapshot.Messages[1]);
    }

    /// <summary>Counts the appends the hub makes, passing everything to the real store.</summary>
    private sealed class WriteCountingStore(IConversationStore inner) : IConversationStore
    {
        public int UserAppends;
        public int ReplyAppends;

        public Task CreateAsync(Conversation conversation, CancellationToken ct) => inner.CreateAsync(conversation, ct);
        public Task<Conversation?> GetAsync(string id, string userId, CancellationToken ct) => inner.GetAsync(id, userId, ct);
        public Task<IReadOnlyList<Conversation>> ListAsync(string userId, CancellationToken ct) => inner.ListAsync(userId, ct);
        public Task<bool> DeleteAsync(string id, string userId, CancellationToken ct) => inner.DeleteAsync(id, userId, ct);
        public Task<StoredMessage?> FindByClientMessageIdAsync(string conversationId, string userId, string clientMessageId, CancellationToken ct) =>
            inner.FindByClientMessageIdAsync(conversationId, userId, clientMessageId, ct);
        public Task<MessageSlice?> GetMessagesAsync(string conversationId, string userId, int limit, string? beforeId, CancellationToken ct) =>
            inner.GetMessagesAsync(conversationId, userId, limit, beforeId, ct);

        public Task<AppendResult?> AppendUserMessageAsync(string conversationId, string userId, StoredMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref UserAppends);
            return inner.AppendUserMessageAsync(conversationId, userId, message, ct);
        }

        public Task<bool> AppendReplyAsync(string conversationId, StoredMessage reply, CancellationToken ct)
        {
            Interlocked.Increment(ref ReplyAppends);
            return inner.AppendReplyAsync(conversationId, reply, ct);
        }
    }
}
