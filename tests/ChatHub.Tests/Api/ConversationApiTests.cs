using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Api;

public sealed class ConversationApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private ChatServer Server => shared.Server;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UsersListOnlyTheirOwnConversations()
    {
        var alice = await Server.CreateUserAsync();
        var bob = await Server.CreateUserAsync();
        var first = await alice.CreateConversationAsync();
        var second = await alice.CreateConversationAsync();
        var bobs = await bob.CreateConversationAsync();

        using var http = alice.Http();
        var listed = (await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct))!;

        Assert.Equal(new[] { first.Id, second.Id }.Order(), listed.Select(c => c.Id).Order());
        Assert.DoesNotContain(bobs.Id, listed.Select(c => c.Id));
    }

    [Theory]
    [InlineData("0123456789abcdef01234567")]
    [InlineData("bad")]
    public async Task AConversationNeedsAnExistingCharacter(string characterId)
    {
        using var http = (await Server.CreateUserAsync()).Http();

        var response = await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = characterId }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct))!);
    }

    [Fact]
    public async Task MessagesArePagedBackwardsWithLimitAndBefore()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                var sent = await device.SendAsync(conversation.Id, $"message {i}");
                await device.Events.Completed(sent.ReplyId);
            }
        }
        var all = await user.MessagesAsync(conversation.Id, withGreeting: true);
        Assert.Equal(7, all.Count);
        using var http = user.Http();

        var latest = (await http.GetFromJsonAsync<MessagePage>(Routes.Messages(conversation.Id, limit: 4), Ct))!;
        var older = (await http.GetFromJsonAsync<MessagePage>(Routes.Messages(conversation.Id, limit: 4, before: latest.Messages[0].Id), Ct))!;

        Assert.Equal(all.Skip(3).Select(m => m.Id), latest.Messages.Select(m => m.Id));
        Assert.True(latest.HasMore);
        Assert.Equal(all.Take(3).Select(m => m.Id), older.Messages.Select(m => m.Id));
        Assert.False(older.HasMore);
        Assert.Equal(["ai", "user", "ai", "user", "ai", "user", "ai"], all.Select(m => m.Sender));
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=201")]
    [InlineData("?before=xyz")]
    public async Task BadPagingIsRefusedWithAProblem(string query)
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        using var http = user.Http();

        var response = await http.GetAsync($"{Routes.Conversation(conversation.Id)}/messages{query}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnotherUsersConversationCannotBeReadOrDeleted()
    {
        var owner = await Server.CreateUserAsync();
        var conversation = await owner.CreateConversationAsync();
        using var intruder = (await Server.CreateUserAsync()).Http();

        var read = await intruder.GetAsync(Routes.Messages(conversation.Id), Ct);
        var delete = await intruder.DeleteAsync(Routes.Conversation(conversation.Id), Ct);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using var http = owner.Http();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Routes.Messages(conversation.Id), Ct)).StatusCode);
    }

    [Fact]
    public async Task ADeletedConversationIsGoneForRestAndTheHub()
    {
        var user = await Server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        using var http = user.Http();

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync(Routes.Conversation(conversation.Id), Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Routes.Messages(conversation.Id), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync(Routes.Conversation(conversation.Id), Ct)).StatusCode);
        Assert.Empty((await http.GetFromJsonAsync<ConversationDto[]>(Routes.Conversations, Ct))!);
        await using var device = await user.ConnectAsync();
        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => device.SendAsync(conversation.Id, "anyone?"));
    }
}
