using ChatHub.Contracts;
using ChatHub.Tests.Support;
using ChatHub.Usage;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.Tests.Usage;

/// <summary>Token budgets per role: checked before the model is asked, refused with when they reset, reset by the (controlled) clock.</summary>
public sealed class BudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ChatServer> StartAsync(AdjustableClock clock, string perDay, string perMonth, Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(extra ?? []) { ["Quotas:Free:TokensPerDay"] = perDay, ["Quotas:Free:TokensPerMonth"] = perMonth };
        return ChatServer.StartAsync(settings, configure: b => b.Services.AddSingleton<TimeProvider>(clock));
    }

    /// <summary>Signs in anew (the clock moved past the old token's life) and connects.</summary>
    private static async Task<Device> ReconnectAsync(TestUser user) =>
        await (user with { AccessToken = (await user.SignInAsync()).AccessToken }).ConnectAsync();

    [Fact]
    public async Task PastTheDailyBudgetAMessageIsRefusedWithWhenItResetsNothingIsWrittenAndTheNextDayItWorks()
    {
        var clock = new AdjustableClock();
        await using var server = await StartAsync(clock, perDay: "1", perMonth: "");
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            var first = await device.SendAsync(conversation.Id, "Hello");
            await device.Events.Completed(first.ReplyId);

            var refused = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "And again"));

            var resetsAt = UsageDays.DayResetsAt(clock.Today());
            Assert.Contains("today's budget of 1 tokens", refused.Message);
            Assert.Contains($"resets at {resetsAt:yyyy-MM-dd HH:mm} UTC", refused.Message);
            Assert.Equal(2, (await user.MessagesAsync(conversation.Id)).Count);
            Assert.Equal(2, (await device.Hub.WatchConversation(conversation.Id).Bounded()).Messages.Count(m => !TestUser.IsGreeting(m)));
        }

        clock.Advance(resetsAtFromNow(clock, TimeSpan.FromMinutes(-1)));
        await using (var device = await ReconnectAsync(user))
        {
            await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "A minute early"));
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        await using (var device = await ReconnectAsync(user))
        {
            var next = await device.SendAsync(conversation.Id, "A new day");
            Assert.Equal(MessageValues.StatusComplete, (await device.Events.Completed(next.ReplyId)).Message.Status);
        }

        static TimeSpan resetsAtFromNow(TimeProvider clock, TimeSpan shift) => UsageDays.DayResetsAt(clock.Today()) - clock.GetUtcNow() + shift;
    }

    [Fact]
    public async Task PastTheMonthlyBudgetMessagesAreRefusedUntilTheMonthEnds()
    {
        var clock = new AdjustableClock();
        await using var server = await StartAsync(clock, perDay: "", perMonth: "1");
        var user = await server.CreateUserAsync();
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            await device.Events.Completed((await device.SendAsync(conversation.Id, "Hello")).ReplyId);
            var refused = await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "Again"));
            Assert.Contains($"this month's budget of 1 tokens. It resets at {UsageDays.MonthResetsAt(clock.Today()):yyyy-MM-dd HH:mm} UTC", refused.Message);
        }

        clock.Advance(UsageDays.MonthResetsAt(clock.Today()) - clock.GetUtcNow() - TimeSpan.FromMinutes(1));
        await using (var device = await ReconnectAsync(user))
        {
            await Assert.ThrowsAsync<HubException>(() => device.SendAsync(conversation.Id, "Last day of the month"));
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        await using (var device = await ReconnectAsync(user))
        {
            await device.Events.Completed((await device.SendAsync(conversation.Id, "A new month")).ReplyId);
        }
    }

    [Fact]
    public async Task AdminsHaveNoBudget()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync(new Dictionary<string, string> { ["Quotas:Free:TokensPerDay"] = "1" });
        await using var _ = server;
        var conversation = await admin.CreateConversationAsync();
        await using var device = await admin.ConnectAsync();

        for (var i = 0; i < 3; i++) await device.Events.Completed((await device.SendAsync(conversation.Id, $"Message {i}")).ReplyId);

        Assert.Equal(6, (await admin.MessagesAsync(conversation.Id)).Count);
    }

    [Fact]
    public async Task AReplyRunningWhenTheBudgetRunsOutFinishesAndOnlyTheNextMessageIsRefused()
    {
        var clock = new AdjustableClock();
        await using var server = await StartAsync(clock, perDay: "1", perMonth: "", new()
        {
            ["Quotas:Free:ConcurrentReplies"] = "2",
            ["Llm:Simulated:TokensPerSecond"] = "20",
        });
        var user = await server.CreateUserAsync();
        var (first, second) = (await user.CreateConversationAsync(), await user.CreateConversationAsync());
        await using var device = await user.ConnectAsync();

        var running = await device.SendAsync(first.Id, "A long story, please");
        await device.Events.Delta(running.ReplyId, 0);
        // The first reply has not ended, so it is not counted yet: the second may start, and both finish.
        var alongside = await device.SendAsync(second.Id, "Me too");
        var completed = await Task.WhenAll(device.Events.Completed(running.ReplyId), device.Events.Completed(alongside.ReplyId));

        Assert.All(completed, c => Assert.Equal(MessageValues.StatusComplete, c.Message.Status));
        await Assert.ThrowsAsync<HubException>(() => device.SendAsync(first.Id, "One more"));
    }
}
