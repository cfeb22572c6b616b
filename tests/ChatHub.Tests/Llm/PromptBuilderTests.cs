using ChatHub.Conversations;
using ChatHub.Llm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using static ChatHub.Tests.Llm.LlmTestData;

namespace ChatHub.Tests.Llm;

public sealed class PromptBuilderTests
{
    [Fact]
    public void TheNewestMessagesThatFitTheBudgetAreKeptInOrderAfterThePersona()
    {
        var history = new List<StoredMessage>();
        for (var i = 0; i < 100; i++)
        {
            history.Add(User($"Question number {i}: what happened in Gotham on night {i}?"));
            history.Add(Ai($"Answer number {i}: on night {i} the Bat-Signal lit the clouds over the harbour."));
        }
        history.Add(User("And tonight?"));

        var request = Builder(budget: 300).Build(Batman(), history);

        Assert.Equal(ChatRole.System, request.Messages[0].Role);
        Assert.StartsWith("You are Batman.", request.Messages[0].Text);
        var kept = request.Messages.Skip(1).Select(m => m.Text).ToList();
        Assert.InRange(kept.Count, 3, history.Count - 1);
        Assert.Equal(history.TakeLast(kept.Count).Select(m => m.Text), kept);
        Assert.Equal("And tonight?", kept[^1]);
        Assert.True(kept.Sum(PromptBuilder.CountTokens) <= 300);
        Assert.True(kept.Sum(PromptBuilder.CountTokens) + PromptBuilder.CountTokens(history[^(kept.Count + 1)].Text) > 300);
    }

    [Fact]
    public void MessagesWhoseBytesAreOverTheBudgetButWhoseTokensFitAreAllKept()
    {
        // Chinese text takes three UTF-8 bytes a character but far fewer tokens, so only an exact count keeps it all.
        var history = Enumerable.Range(0, 6).Select(i => i % 2 == 0 ? User($"华生，今晚伦敦的雾很浓，我们出发吧 {i}") : Ai($"福尔摩斯点燃了烟斗，望向窗外 {i}")).ToList();
        var tokens = history.Sum(m => PromptBuilder.CountTokens(m.Text));
        var bytes = history.Sum(m => System.Text.Encoding.UTF8.GetByteCount(m.Text));
        Assert.True(tokens < bytes / 2, $"{tokens} tokens, {bytes} bytes");

        var request = Builder(budget: tokens).Build(Batman(), history);

        Assert.Equal(history.Select(m => m.Text), request.Messages.Skip(1).Select(m => m.Text));
        // One token less and the oldest message no longer fits.
        Assert.Equal(history[1..].Select(m => m.Text), Builder(budget: tokens - 1).Build(Batman(), history).Messages.Skip(1).Select(m => m.Text));
    }

    [Fact]
    public void TheNewUserMessageIsSentEvenWhenItAloneIsOverTheBudget()
    {
        var longMessage = string.Join(' ', Enumerable.Repeat("Gotham needs a hero tonight.", 50));

        var request = Builder(budget: 10).Build(Batman(), [User("Earlier"), Ai("Reply"), User(longMessage)]);

        Assert.Equal([ChatRole.System, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Equal(longMessage, request.Messages[1].Text);
    }

    [Fact]
    public void RolesFollowTheSenderAndEmptyRepliesAreLeftOut()
    {
        var request = Builder(budget: 3000).Build(Batman(), [User("Hi"), Ai("", "failed"), User("Hello?"), Ai("Speak.", "stopped"), User("Who are you?")]);

        Assert.Equal(
            [(ChatRole.System, request.Messages[0].Text), (ChatRole.User, "Hi"), (ChatRole.User, "Hello?"), (ChatRole.Assistant, "Speak."), (ChatRole.User, "Who are you?")],
            request.Messages.Select(m => (m.Role, m.Text)));
    }

    [Fact]
    public void ThePersonaNamesTheCharacterItsTraitsAndKnowledgeAndTheOptionsCarryItsSettings()
    {
        var batman = Batman(temperature: 0.4, maxTokens: 256);

        var request = Builder(budget: 3000).Build(batman, [User("Hi")]);

        var persona = request.Messages[0].Text;
        Assert.Contains(batman.Description, persona);
        Assert.All(batman.Traits.Concat(batman.KnowledgeBase), item => Assert.Contains(item, persona));
        Assert.Contains("Stay in character", persona);
        Assert.Equal(0.4f, request.Options.Temperature);
        Assert.Equal(256, request.Options.MaxOutputTokens);
    }

    [Fact]
    public void TheUsersCapShortensTheRepliesMaxTokensButNeverLengthensThem()
    {
        var batman = Batman(maxTokens: 256);

        Assert.Equal(100, Builder(budget: 3000).Build(batman, [User("Hi")], maxTokensCap: 100).Options.MaxOutputTokens);
        Assert.Equal(256, Builder(budget: 3000).Build(batman, [User("Hi")], maxTokensCap: 4096).Options.MaxOutputTokens);
    }

    private static PromptBuilder Builder(int budget) => new(Options.Create(new LlmOptions { HistoryTokenBudget = budget }));
}
