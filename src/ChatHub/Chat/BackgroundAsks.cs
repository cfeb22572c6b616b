using ChatHub.Llm;
using ChatHub.Usage;

namespace ChatHub.Chat;

/// <summary>
/// The short requests the service makes on a user's behalf after a reply (a conversation's title, its summary): read
/// whole, with a time limit of their own, their tokens counted toward the user's usage like a reply's.
/// </summary>
public sealed class BackgroundAsks(UsageRecorder usage)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The model's answer; throws what the model throws (the caller decides what a failure means).</summary>
    public async Task<string> AskAsync(ModelProfile profile, ModelRequest request, string userId, string role)
    {
        using var patience = new CancellationTokenSource(Patience);
        var answer = await profile.Client.GetResponseAsync(request.Messages, request.Options, patience.Token);
        await usage.RecordAsync(userId, role, ReplyTokens.Whole(request.Messages, answer, profile.Model), reply: false);
        return answer.Text;
    }
}
