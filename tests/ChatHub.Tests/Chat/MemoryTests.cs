using System.Net;
using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Tests.Llm;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Chat;

/// <summary>A long conversation's rolling summary, through the hub and REST, with the fake OpenAI server capturing each prompt.</summary>
public sealed class MemoryTests
{
    private const int Budget = 1000;
    private const string Summary = "Alfred wants the Batcave painted before winter.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<RemoteModelRig> StartAsync()
    {
        var rig = await RemoteModelRig.StartAsync(new Dictionary<string, string> { ["Llm:HistoryTokenBudget"] = $"{Budget}" });
        rig.Fake.WholeReply = FakeReply.Tokens(Summary);
        return rig;
    }

    /// <summary>Exchanges stored straight into the store, each about 25 tokens a message: far more than the history budget.</summary>
    private static async Task SeedAsync(RemoteModelRig rig, int exchanges)
    {
        var store = rig.Server.Services.GetRequiredService<IConversationStore>();
        var parent = rig.Conversation.LeafId;
        for (var i = 0; i < exchanges; i++)
        {
            var at = DateTimeOffset.UtcNow;
            var question = new StoredMessage(Ids.New(), MessageValues.SenderUser, $"Message {i}: the Batcave needs a new coat of paint and Alfred wants it done before winter.",
                at, ClientMessageId: Guid.NewGuid().ToString("N"), ReplyId: Ids.New(), ParentId: parent);
            Assert.NotNull(await store.AppendUserMessageAsync(rig.Conversation.Id, rig.User.Id, question, Ct));
            var reply = new StoredMessage(question.ReplyId!, MessageValues.SenderAi, $"Reply {i}: then we paint it black again, as we always have, Master Wayne.",
                at, InReplyTo: question.Id, Status: MessageValues.StatusComplete, ParentId: question.Id);
            Assert.True(await store.AppendReplyAsync(rig.Conversation.Id, reply, Ct));
            parent = reply.Id;
        }
    }

    private static async Task<ConversationMemoryDto> MemoryAsync(TestUser user, string conversationId)
    {
        using var http = user.Http();
        return (await http.GetFromJsonAsync<ConversationMemoryDto>(Routes.ConversationMemory(conversationId), Ct).Bounded())!;
    }

    /// <summary>The memory once the background fold has written one (bounded).</summary>
    private static async Task<ConversationMemoryDto> SummarisedAsync(TestUser user, string conversationId)
    {
        async Task<ConversationMemoryDto> Wait()
        {
            while (true)
            {
                if (await MemoryAsync(user, conversationId) is { Summary.Length: > 0 } memory) return memory;
                await Task.Delay(50, Ct);
            }
        }
        return await Wait().Bounded();
    }

    private static async Task<MessageDto> ReplyAsync(Device device, string conversationId, string text)
    {
        var sent = await device.SendAsync(conversationId, text);
        return (await device.Events.Completed(sent.ReplyId)).Message;
    }

    private static bool IsSummary((string Role, string Content) message) =>
        message.Role == "system" && message.Content.StartsWith("Summary of the conversation before the messages that follow:", StringComparison.Ordinal);

    [Fact]
    public async Task ALongConversationsPromptStaysWithinTheBudgetAndCarriesTheSummaryOfWhatFellOut()
    {
        await using var rig = await StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        await SeedAsync(rig, exchanges: 150);

        var first = await ReplyAsync(device, conversation.Id, "What did we decide about the cave?");
        var memory = await SummarisedAsync(user, conversation.Id);
        var second = await ReplyAsync(device, conversation.Id, "And when?");

        Assert.Equal(Summary, memory.Summary);
        Assert.True(memory.Enabled);
        Assert.NotNull(memory.ThroughMessageId);
        // The summary was asked for in the background with what fell out: the oldest messages, from the root on.
        var folds = fake.WholeRequests.Where(r => r.Messages[0].Content == SummaryPrompt.Instruction).ToList();
        Assert.NotEmpty(folds);
        Assert.Contains("Message 0:", folds[0].Messages[1].Content);

        var prompts = await fake.WaitForRequestsAsync(2, Ct);
        Assert.DoesNotContain(prompts[0].Messages, IsSummary);
        var prompt = prompts[1].Messages;
        Assert.True(IsSummary(prompt[1]), "the summary comes right after the character's system prompt");
        Assert.EndsWith(Summary, prompt[1].Content);
        Assert.Equal("And when?", prompt[^1].Content);
        // History and summary together within the budget, and what the summary covers is not sent again.
        Assert.InRange(prompt.Skip(1).Sum(m => TokenCounter.Count(m.Content) + TokenCounter.TokensPerMessage), 1, Budget);
        var history = await user.MessagesAsync(conversation.Id, limit: 200);
        var coveredAt = history.ToList().FindIndex(m => m.Id == memory.ThroughMessageId);
        Assert.True(coveredAt > 0, "the summary covers a message of the branch");
        Assert.DoesNotContain(prompt, m => m.Content == history[coveredAt].Message);
        Assert.Contains(prompt, m => m.Content == history[coveredAt + 1].Message);

        // Summaries count toward the user's usage, not as replies.
        using var http = user.Http();
        var usage = (await http.GetFromJsonAsync<MyUsage>(Routes.MyUsage, Ct).Bounded())!;
        Assert.Equal(2, usage.Today.Replies);
        var replies = (long)first.Usage!.PromptTokens + first.Usage.CompletionTokens + second.Usage!.PromptTokens + second.Usage.CompletionTokens;
        Assert.True(usage.Today.TotalTokens > replies, $"{usage.Today.TotalTokens} tokens used, {replies} by the replies");
    }

    [Fact]
    public async Task DeletingWhatTheSummaryCoversDropsItAndTheNextPromptGoesWithoutIt()
    {
        await using var rig = await StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        await SeedAsync(rig, exchanges: 150);
        await ReplyAsync(device, conversation.Id, "What did we decide about the cave?");
        var memory = await SummarisedAsync(user, conversation.Id);
        var early = (await user.MessagesAsync(conversation.Id, limit: 200))[0];
        Assert.NotEqual(early.Id, memory.ThroughMessageId);

        await device.Hub.DeleteMessage(new DeleteMessageRequest { ConversationId = conversation.Id, MessageId = early.Id }).Bounded();
        async Task<ConversationMemoryDto> Dropped()
        {
            while (true)
            {
                if (await MemoryAsync(user, conversation.Id) is { Summary.Length: 0 } dropped) return dropped;
                await Task.Delay(50, Ct);
            }
        }
        var after = await Dropped().Bounded();
        await ReplyAsync(device, conversation.Id, "Starting over?");

        Assert.Null(after.ThroughMessageId);
        Assert.True(after.Enabled);
        var prompts = await fake.WaitForRequestsAsync(2, Ct);
        Assert.DoesNotContain(prompts[1].Messages, IsSummary);
    }

    [Fact]
    public async Task AnEditedSummaryIsUsedByTheNextReplyAndASwitchedOffOneIsNot()
    {
        await using var rig = await StartAsync();
        var (fake, user, conversation, device) = (rig.Fake, rig.User, rig.Conversation, rig.Device);
        using var http = user.Http();

        var edited = await http.PutAsJsonAsync(Routes.ConversationMemory(conversation.Id), new UpdateConversationMemoryRequest { Summary = "  The user's cat is called Tiber.  " }, Ct).Bounded();
        await ReplyAsync(device, conversation.Id, "Do you remember my cat?");
        var off = await http.PutAsJsonAsync(Routes.ConversationMemory(conversation.Id), new UpdateConversationMemoryRequest { Enabled = false }, Ct).Bounded();
        await ReplyAsync(device, conversation.Id, "And now?");

        Assert.Equal("The user's cat is called Tiber.", (await edited.ReadAsync<ConversationMemoryDto>()).Summary);
        Assert.False((await off.ReadAsync<ConversationMemoryDto>()).Enabled);
        var prompts = await fake.WaitForRequestsAsync(2, Ct);
        Assert.EndsWith("The user's cat is called Tiber.", Assert.Single(prompts[0].Messages, IsSummary).Content);
        Assert.DoesNotContain(prompts[1].Messages, IsSummary);
        var memory = await MemoryAsync(user, conversation.Id);
        Assert.Equal("The user's cat is called Tiber.", memory.Summary);
        Assert.False(memory.Enabled);
    }

    [Fact]
    public async Task AnotherUsersMemoryIsNotFoundAndBadInputChangesNothing()
    {
        await using var rig = await StartAsync();
        var (user, conversation) = (rig.User, rig.Conversation);
        var stranger = await rig.Server.CreateUserAsync();
        using var strangerHttp = stranger.Http();
        using var http = user.Http();

        var read = await strangerHttp.GetAsync(Routes.ConversationMemory(conversation.Id), Ct).Bounded();
        var write = await strangerHttp.PutAsJsonAsync(Routes.ConversationMemory(conversation.Id), new UpdateConversationMemoryRequest { Summary = "Mine now." }, Ct).Bounded();
        var empty = await http.PutAsJsonAsync(Routes.ConversationMemory(conversation.Id), new UpdateConversationMemoryRequest(), Ct).Bounded();
        var tooLong = await http.PutAsJsonAsync(Routes.ConversationMemory(conversation.Id), new UpdateConversationMemoryRequest { Summary = new string('x', SummaryPrompt.MaxChars + 1) }, Ct).Bounded();

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, write.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("at most 4,000 characters", (await tooLong.ProblemAsync()).Detail);
        var memory = await MemoryAsync(user, conversation.Id);
        Assert.Equal("", memory.Summary);
        Assert.True(memory.Enabled);
        Assert.Null(memory.UpdatedAt);
    }
}
