using ChatHub.Characters;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using Microsoft.Extensions.AI;

namespace ChatHub.Tests.Llm;

internal static class LlmTestData
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Character Batman(double temperature = 0.7, int maxTokens = 150) => new(
        Ids.New(),
        "Batman",
        "The Dark Knight of Gotham City.",
        ["brooding", "determined", "tactical"],
        ["Gotham's criminal underworld", "detective work"],
        temperature,
        maxTokens,
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch);

    public static StoredMessage User(string text) => new(Ids.New(), MessageValues.SenderUser, text, DateTimeOffset.UnixEpoch);

    public static StoredMessage Ai(string text, string status = MessageValues.StatusComplete) =>
        new(Ids.New(), MessageValues.SenderAi, text, DateTimeOffset.UnixEpoch, Status: status);

    /// <summary>The streamed texts, in order, leaving out updates that carry no text (finish reason, usage).</summary>
    public static async Task<List<string>> ReadTextAsync(IAsyncEnumerable<ChatResponseUpdate> updates, List<string>? into = null)
    {
        var texts = into ?? [];
        await foreach (var update in updates)
        {
            if (update.Text.Length > 0)
            {
                texts.Add(update.Text);
            }
        }
        return texts;
    }
}
