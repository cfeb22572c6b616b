using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

public sealed class TurnTests
{
    [Fact]
    public async Task ATurnIsTwoStoreWritesHoweverManyTokensStream()
    {
        HookedConversationStore? store = null;
        await using var server = await ChatServer.StartAsync(configure: builder => store = HookedConversationStore.Register(builder));
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();

        var sent = await device.SendAsync(conversation.Id, "Count my writes");
        await device.Events.Completed(sent.ReplyId);

        Assert.True(device.Events.Deltas(sent.ReplyId).Count > 5);
        Assert.Equal((1, 1), (store!.UserAppends, store.ReplyAppends));
    }

    [Fact]
    public async Task ARegenerationIsOneStoreWriteAndAContinuationOne()
    {
        HookedConversationStore? store = null;
        await using var server = await ChatServer.StartAsync(configure: builder => store = HookedConversationStore.Register(builder));
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var sent = await device.SendAsync(conversation.Id, "Count my writes");
        await device.Events.Completed(sent.ReplyId);

        var regenerated = await device.Hub.RegenerateReply(new RegenerateReplyRequest { ConversationId = conversation.Id, ReplyId = sent.ReplyId, ClientRequestId = "r-1" }).Bounded();
        await device.Events.Completed(regenerated.ReplyId);
        await device.Hub.ContinueReply(new ContinueReplyRequest { ConversationId = conversation.Id, ReplyId = regenerated.ReplyId, ClientRequestId = "c-1" }).Bounded();
        await device.Events.WaitFor<ReplyCompleted>(r => r.ReplyId == regenerated.ReplyId && r.Message.Message.Contains("And there is more."));

        Assert.Equal((1, 2, 1), (store!.UserAppends, store.ReplyAppends, store.Changes));
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

        var exchange = snapshot.Messages.Where(m => !TestUser.IsGreeting(m)).ToList();
        Assert.Equal([sent.UserMessageId, sent.ReplyId], exchange.Select(m => m.Id));
        Assert.Equal("Remember me", exchange[0].Message);
        Assert.Equal(completed.Message, exchange[1]);
    }
}
