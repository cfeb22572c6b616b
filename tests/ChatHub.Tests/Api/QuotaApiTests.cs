using System.Net;
using System.Net.Http.Json;
using ChatHub.Chat;
using ChatHub.Contracts;
using ChatHub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatHub.Tests.Api;

/// <summary>Each test starts a server with small quotas, so a limit is reached in a few calls.</summary>
public sealed class QuotaApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MessagesBeyondTheRoleRateAreRefusedOnTheHubAndNothingIsStored()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Quotas:Free:MessagesPerMinute"] = "2" });
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var results = new List<SendMessageResult>();
        for (var i = 0; i < 2; i++)
        {
            results.Add(await device.SendAsync(conversation.Id, $"message {i}", clientMessageId: $"client-{i}"));
            await device.Events.Completed(results[^1].ReplyId);
        }

        var error = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "one too many"));
        // A retry of a message already stored is no new message: it is answered, not refused.
        Assert.Equal(results[1], await device.SendAsync(conversation.Id, "message 1", clientMessageId: "client-1"));

        Assert.Matches(@"^You are sending messages too fast\. Try again in ([1-9]|[12][0-9]|30) seconds\.$", error.UserMessage());
        Assert.Equal(4, (await user.MessagesAsync(conversation.Id)).Count);
        Assert.Equal(HubConnectionState.Connected, device.Hub.Connection.State);
        Assert.Equal(4, (await device.Hub.WatchConversation(conversation.Id).Bounded()).Messages.Count(m => !TestUser.IsGreeting(m)));
        // Another user has a bucket of their own.
        var other = await server.CreateUserAsync();
        await using var otherDevice = await other.ConnectAsync();
        await otherDevice.SendAsync((await other.CreateConversationAsync()).Id, "my first");
    }

    [Fact]
    public async Task AMessageRefusedBecauseTheCharacterIsStillReplyingTakesNoQuota()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Quotas:Free:MessagesPerMinute"] = "2",
            ["Llm:Simulated:TokensPerSecond"] = "20",
        });
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var first = await device.SendAsync(conversation.Id, "First question");

        for (var i = 0; i < 5; i++)
        {
            var busy = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, $"Impatient {i}"));
            Assert.Equal(Refusals.ConversationBusy, busy.UserMessage());
        }
        await device.Hub.StopReply(first.ReplyId).Bounded();
        await device.Events.Completed(first.ReplyId);

        var second = await device.SendAsync(conversation.Id, "Second question");
        await device.Events.Completed(second.ReplyId);
        Assert.Equal([first.UserMessageId, first.ReplyId, second.UserMessageId, second.ReplyId], (await user.MessagesAsync(conversation.Id)).Select(m => m.Id));
    }

    [Fact]
    public async Task CreatingConversationsBeyondTheRoleRateGets429WithRetryAfter()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Quotas:Free:MessagesPerMinute"] = "2" });
        var user = await server.CreateUserAsync();
        await user.CreateConversationAsync();
        await user.CreateConversationAsync();
        using var http = user.Http();
        var characterId = (await http.GetFromJsonAsync<CharacterDto[]>(Routes.Characters, Ct))![0].Id;

        var response = await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = characterId }, Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 30);
        Assert.Equal($"You are doing this too often. Try again in {retryAfter} seconds.", (await response.ProblemAsync()).Detail);
        Assert.Equal(2, (await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct))!.Length);
        // Reading is not limited, and the hub's message bucket is a different one.
        await using var device = await user.ConnectAsync();
        await device.SendAsync((await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct))![0].Id, "still allowed");
    }

    [Fact]
    public async Task AConversationBeyondThePlansCapIsRefusedUntilOneIsDeleted()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string> { ["Quotas:Free:Conversations"] = "2" });
        var user = await server.CreateUserAsync();
        var first = await user.CreateConversationAsync();
        await user.CreateConversationAsync();
        using var http = user.Http();
        var characterId = first.CharacterId;

        var third = await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = characterId }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, third.StatusCode);
        Assert.Equal("Your plan allows 2 conversations. Delete one to start another.", (await third.ProblemAsync()).Detail);
        Assert.Equal(2, (await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct))!.Length);
        await (await server.CreateUserAsync()).CreateConversationAsync();
        (await http.DeleteAsync(Routes.Conversation(first.Id), Ct)).EnsureSuccessStatusCode();
        await user.CreateConversationAsync();
    }

    [Fact]
    public async Task APromotionToPaidBringsThePaidQuotas()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync(new Dictionary<string, string>
        {
            ["Quotas:Free:Conversations"] = "1",
            ["Quotas:Paid:Conversations"] = "2",
        });
        await using var _ = server;
        var user = await server.CreateUserAsync();
        var first = await user.CreateConversationAsync();
        using (var asFree = user.Http())
        {
            var refused = await asFree.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = first.CharacterId }, Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using (var asAdmin = admin.Http())
        {
            (await asAdmin.PutAsJsonAsync(Routes.UserRole(user.Id), new SetRoleRequest { Role = "paid" }, Ct)).EnsureSuccessStatusCode();
        }
        var paid = await (await server.RefreshAsync(user.RefreshToken)).ReadAsync<AuthResponse>();

        await (user with { AccessToken = paid.AccessToken }).CreateConversationAsync(first.CharacterId);
    }

    [Fact]
    public async Task AFreeUserHasOneReplyInFlight()
    {
        await using var slow = await ChatServer.StartAsync(new Dictionary<string, string> { ["Llm:Simulated:TokensPerSecond"] = "20" });
        var user = await slow.CreateUserAsync();
        var (one, two) = (await user.CreateConversationAsync(), await user.CreateConversationAsync());
        await using var device = await user.ConnectAsync();
        var first = await device.SendAsync(one.Id, "one");

        var error = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(two.Id, "two"));

        Assert.Equal("You already have 1 reply in progress. Wait for one to finish.", error.UserMessage());
        Assert.Empty(await user.MessagesAsync(two.Id));
        await device.Hub.StopReply(first.ReplyId).Bounded();
        await device.Events.Completed(first.ReplyId);
        var second = await device.SendAsync(two.Id, "two");
        await device.Events.WaitFor<ReplyStarted>(r => r.ReplyId == second.ReplyId);
    }
}
