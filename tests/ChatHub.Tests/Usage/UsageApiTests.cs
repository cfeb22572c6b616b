using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Llm;
using ChatHub.Tests.Observability;
using ChatHub.Tests.Support;
using ChatHub.Usage;

namespace ChatHub.Tests.Usage;

/// <summary><c>GET /api/me/usage</c>, <c>GET /api/admin/usage</c> and the token metrics, against the figures the replies carried.</summary>
public sealed class UsageApiTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The tokens of the replies and of the conversation's title, which the simulated model writes from the first message's words.</summary>
    private static async Task<long> ChatAsync(TestUser user, int messages)
    {
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        long tokens = 0;
        for (var i = 0; i < messages; i++)
        {
            var completed = await device.Events.Completed((await device.SendAsync(conversation.Id, $"Question {i}?")).ReplyId);
            tokens += completed.Message.Usage!.PromptTokens + completed.Message.Usage.CompletionTokens;
            if (i == 0) tokens += TokenCounter.CountPrompt(TitlePrompt.Build("Question 0?", completed.Message.Message).Messages) + TokenCounter.Count("Question 0");
        }
        // Counted before it is stored, so once the model's title is announced its tokens are in.
        await device.Events.WaitFor<ConversationUpdated>(u => u.Conversation.Id == conversation.Id && u.Conversation.Title == "Question 0");
        return tokens;
    }

    [Fact]
    public async Task MyUsageHasTodayTheMonthEachDayEachModelAndWhatIsLeftAndStaysRightOnceStored()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string>
        {
            ["Quotas:Free:TokensPerDay"] = "100000",
            ["Quotas:Free:TokensPerMonth"] = "900000",
            ["Usage:FlushSeconds"] = "0.2",
        });
        var user = await server.CreateUserAsync();
        var spent = await ChatAsync(user, 2);
        using var http = user.Http();

        var usage = (await http.GetFromJsonAsync<MyUsage>($"{Routes.MyUsage}?days=7", Ct))!;

        Assert.Equal(spent, usage.Today.TotalTokens);
        Assert.Equal(2, usage.Today.Replies);
        Assert.Equal(usage.Today, usage.Month);
        Assert.Equal(7, usage.Days.Count);
        Assert.Equal(UsageDays.Format(TimeProvider.System.Today()), usage.Days[^1].Day);
        Assert.Equal(usage.Today, usage.Days[^1].Usage);
        Assert.All(usage.Days.SkipLast(1), d => Assert.Equal(0, d.Usage.TotalTokens));
        Assert.Equal(SimulatedChatClient.ModelId, Assert.Single(usage.Models).Model);
        Assert.Equal((100000, 100000 - spent, 900000, 900000 - spent),
            (usage.Budget.TokensPerDay, usage.Budget.LeftToday, usage.Budget.TokensPerMonth, usage.Budget.LeftThisMonth));
        Assert.Equal(UsageDays.DayResetsAt(TimeProvider.System.Today()), usage.Budget.DayResetsAt);

        // Once the flusher has stored the totals they are counted once, not twice.
        var store = server.Services.GetRequiredService<IUsageStore>();
        var today = TimeProvider.System.Today();
        await RedisProcess.WaitUntilAsync(() => store.ReadAsync(user.Id, today, today, Ct).GetAwaiter().GetResult().Sum(r => r.TotalTokens) == spent);
        Assert.Equal(spent, (await http.GetFromJsonAsync<MyUsage>(Routes.MyUsage, Ct))!.Today.TotalTokens);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("367")]
    [InlineData("many")]
    public async Task ABadNumberOfDaysIsAProblem(string days)
    {
        var user = await shared.Server.CreateUserAsync();
        using var http = user.Http();

        var response = await http.GetAsync($"{Routes.MyUsage}?days={days}", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        if (days != "many") Assert.Equal("days must be between 1 and 366.", (await response.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task AdminsSeeTheTopUsersMostFirstAndOthersAreForbidden()
    {
        var (server, admin) = await ChatServer.StartWithAdminAsync();
        await using var _ = server;
        var (light, heavy) = (await server.CreateUserAsync(), await server.CreateUserAsync());
        var lightTokens = await ChatAsync(light, 1);
        var heavyTokens = await ChatAsync(heavy, 3);
        await server.Services.GetRequiredService<UsageFlusher>().FlushAsync(Ct);
        var today = UsageDays.Format(TimeProvider.System.Today());

        using var http = admin.Http();
        var top = (await http.GetFromJsonAsync<TopUsage>($"{Routes.AdminUsage}?from={today}&to={today}&limit=2", Ct))!;
        using var mine = light.Http();
        var forbidden = await mine.GetAsync(Routes.AdminUsage, Ct);
        var bad = await http.GetAsync($"{Routes.AdminUsage}?from=yesterday", Ct);

        Assert.Equal((today, today), (top.From, top.To));
        Assert.Equal([(heavy.Id, heavy.Email, heavyTokens, 3L), (light.Id, light.Email, lightTokens, 1L)],
            top.Users.Select(u => (u.UserId, u.Email!, u.Usage.TotalTokens, u.Usage.Replies)));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("from must be a day written yyyy-MM-dd.", (await bad.ProblemAsync()).Detail);
    }

    [Fact]
    public async Task TokenMetricsAreCountedByRoleModelAndType()
    {
        await using var server = await ChatServer.StartAsync();
        using var capture = new MeterCapture(server.Services);
        var user = await server.CreateUserAsync();

        var spent = await ChatAsync(user, 2);

        var tokens = capture.Of("characterchat.tokens");
        Assert.Equal(spent, tokens.Sum(m => m.Value));
        Assert.All(tokens, m => Assert.Equal(("free", SimulatedChatClient.ModelId), ((string)m.Tags["role"]!, (string)m.Tags["model"]!)));
        Assert.Equal(["completion", "prompt"], tokens.Select(m => (string)m.Tags["type"]!).Distinct().Order());
    }
}
