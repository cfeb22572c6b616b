using System.Net.Http.Json;
using ChatHub.Contracts;
using ChatHub.Tests.Support;

namespace ChatHub.Tests.Faults;

/// <summary>A node with no Redis killed with SIGKILL, then started again on the same SQLite file.</summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("chathub-crash-").FullName;
    private readonly List<NodeProcess> _nodes = [];

    private async Task<NodeProcess> StartAsync(int timeToFirstTokenMs = 20, int tokensPerSecond = 10)
    {
        var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["DataDir"] = _dataDir,
            ["Llm:Simulated:TimeToFirstTokenMs"] = timeToFirstTokenMs.ToString(),
            ["Llm:Simulated:TokensPerSecond"] = tokensPerSecond.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task AReplyCutByAKillIsStoredAsInterruptedBeforeTheNodeServesAgain()
    {
        var node = await StartAsync();
        var user = await RegisterAsync(node);
        var conversation = await user.CreateConversationAsync();
        await using (var device = await user.ConnectAsync())
        {
            var sent = await device.SendAsync(conversation.Id, "Keep talking");
            await device.Events.Delta(sent.ReplyId, 2);
            await node.KillAsync();

            var restarted = await StartAsync();
            var stored = await (await SignInAsync(restarted, user)).MessagesAsync(conversation.Id);

            Assert.Equal([sent.UserMessageId, sent.ReplyId], stored.Select(m => m.Id));
            Assert.Equal(MessageValues.StatusFailed, stored[1].Status);
            Assert.Equal(MessageValues.ErrorInterrupted, stored[1].Error);
            Assert.Equal(sent.UserMessageId, stored[1].InReplyTo);
        }
    }

    [Fact]
    public async Task AKillRightAfterTheMessageCommitsStillEndsWithAReply()
    {
        var node = await StartAsync(timeToFirstTokenMs: 60_000);
        var user = await RegisterAsync(node);
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        var sent = await device.SendAsync(conversation.Id, "Answer me later");

        await node.KillAsync();

        var restarted = await StartAsync();
        var stored = await (await SignInAsync(restarted, user)).MessagesAsync(conversation.Id);
        Assert.Equal([sent.UserMessageId, sent.ReplyId], stored.Select(m => m.Id));
        Assert.Equal((MessageValues.StatusFailed, MessageValues.ErrorInterrupted, ""), (stored[1].Status, stored[1].Error, stored[1].Message));
    }

    [Fact]
    public async Task AKillDuringTheMessagesCommitLeavesEitherNothingOrTheMessageWithItsReply()
    {
        var node = await StartAsync();
        var user = await RegisterAsync(node);
        var conversation = await user.CreateConversationAsync();
        await using var device = await user.ConnectAsync();
        await device.Hub.WatchConversation(conversation.Id).Bounded();

        // The kill races the commit on purpose: whichever side of it the commit lands, the invariant holds.
        var sending = device.SendAsync(conversation.Id, "Mid-commit");
        await node.KillAsync();
        await ((Task)sending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);

        var restarted = await StartAsync();
        var stored = await (await SignInAsync(restarted, user)).MessagesAsync(conversation.Id);
        if (stored.Count > 0)
        {
            Assert.Equal([MessageValues.SenderUser, MessageValues.SenderAi], stored.Select(m => m.Sender));
            Assert.Equal(stored[0].Id, stored[1].InReplyTo);
            Assert.NotNull(stored[1].Status);
        }
    }

    /// <summary>A user of the node processes: registered on one, signed in again on the next.</summary>
    private sealed record NodeUser(Uri Node, string Email, string Password, string AccessToken)
    {
        private static CancellationToken Ct => TestContext.Current.CancellationToken;

        public HttpClient Http()
        {
            var http = new HttpClient { BaseAddress = Node, Timeout = Timeouts.Event };
            http.DefaultRequestHeaders.Authorization = new("Bearer", AccessToken);
            return http;
        }

        public async Task<ConversationDto> CreateConversationAsync()
        {
            using var http = Http();
            var characterId = (await http.GetFromJsonAsync<CharacterDto[]>(Routes.Characters, Ct))![0].Id;
            var response = await http.PostAsJsonAsync(Routes.Conversations, new CreateConversationRequest { CharacterId = characterId }, Ct);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<ConversationDto>(Ct))!;
        }

        /// <summary>The active branch after the greeting the conversation opened with.</summary>
        public async Task<IReadOnlyList<MessageDto>> MessagesAsync(string conversationId)
        {
            using var http = Http();
            return [.. (await http.GetFromJsonAsync<MessagePage>(Routes.Messages(conversationId, 50), Ct))!.Messages.Where(m => !TestUser.IsGreeting(m))];
        }

        public async Task<Device> ConnectAsync()
        {
            var proxy = ChatHubProxy.Create(Node, () => Task.FromResult<string?>(AccessToken));
            var events = new RecordedEvents();
            proxy.Register(events);
            await proxy.StartAsync(Ct).Bounded();
            return new Device(proxy, events);
        }
    }

    private static async Task<NodeUser> RegisterAsync(NodeProcess node)
    {
        var email = $"user-{Guid.NewGuid():N}@chathub.test";
        const string password = "correct horse battery";
        using var http = new HttpClient { BaseAddress = node.BaseUri, Timeout = Timeouts.Event };
        var response = await http.PostAsJsonAsync(Routes.Register, new RegisterRequest { Email = email, Password = password, Name = "Crash" }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var auth = (await response.Content.ReadFromJsonAsync<AuthResponse>(TestContext.Current.CancellationToken))!;
        return new NodeUser(node.BaseUri, email, password, auth.AccessToken);
    }

    private static async Task<NodeUser> SignInAsync(NodeProcess node, NodeUser user)
    {
        using var http = new HttpClient { BaseAddress = node.BaseUri, Timeout = Timeouts.Event };
        var login = await http.PostAsJsonAsync(Routes.Login, new LoginRequest { Email = user.Email, Password = user.Password }, TestContext.Current.CancellationToken);
        login.EnsureSuccessStatusCode();
        var auth = (await login.Content.ReadFromJsonAsync<AuthResponse>(TestContext.Current.CancellationToken))!;
        return user with { Node = node.BaseUri, AccessToken = auth.AccessToken };
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }
}
