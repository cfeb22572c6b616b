using ChatHub.Llm;
using Microsoft.Extensions.AI;

namespace ChatHub.Usage;

/// <summary>
/// One reply's tokens, gathered as the model writes it: the prompt it was asked with, the endpoint's own
/// usage if it sends one (OpenAI's last stream chunk with <c>stream_options.include_usage</c>) and when the first
/// text came. Its reply's turn touches it one step after another, never at once, so it needs no lock.
/// </summary>
public sealed class ReplyTokens
{
    private IList<ChatMessage>? _prompt;
    private string _model = "";
    private UsageDetails? _reported;
    private long _firstText;

    /// <summary>The model is being asked with <paramref name="prompt"/>.</summary>
    public void Asked(IList<ChatMessage> prompt, string model) => (_prompt, _model) = (prompt, model);

    /// <param name="now">A <see cref="TimeProvider"/> timestamp.</param>
    public void Observe(ChatResponseUpdate update, long now)
    {
        if (_firstText == 0 && update.Text.Length > 0) _firstText = now;
        // By index: a foreach over the IList would box its enumerator for every piece of the reply.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usage) _reported = usage.Details;
        }
    }

    /// <summary>What the reply cost; null when the model was never asked or gave nothing (a failed start costs nothing).</summary>
    /// <param name="receivedAt">When the message that asked for the reply reached the hub (a timestamp).</param>
    public ReplyUsage? Finish(string text, long receivedAt, TimeProvider clock)
    {
        if (_prompt is null || (_reported is null && text.Length == 0)) return null;
        int? firstToken = _firstText == 0 ? null : (int)clock.GetElapsedTime(receivedAt, _firstText).TotalMilliseconds;
        return Count(_prompt, _reported, text, _model, firstToken);
    }

    /// <summary>What an answer read whole (a title, a summary) cost: the endpoint's count when it sent one, else the tokenizer's.</summary>
    public static ReplyUsage Whole(IList<ChatMessage> prompt, ChatResponse answer, string model) => Count(prompt, answer.Usage, answer.Text, model, firstToken: null);

    private static ReplyUsage Count(IList<ChatMessage> prompt, UsageDetails? reported, string text, string model, int? firstToken) => new(
        reported?.InputTokenCount is { } input ? (int)input : TokenCounter.CountPrompt(prompt),
        reported?.OutputTokenCount is { } output ? (int)output : TokenCounter.Count(text),
        model,
        firstToken);
}
