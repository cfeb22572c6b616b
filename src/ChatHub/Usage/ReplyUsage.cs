namespace ChatHub.Usage;

/// <summary>
/// What one reply cost, stored on the reply: the endpoint's own count when it sent one, else counted with
/// the o200k_base tokenizer. <see cref="Model"/> is the model the profile names (<c>simulated</c> for the
/// built-in one); <see cref="TimeToFirstTokenMs"/> runs from the message reaching the hub to the first text,
/// null when none came.
/// </summary>
public sealed record ReplyUsage(int PromptTokens, int CompletionTokens, string Model, int? TimeToFirstTokenMs)
{
    /// <summary>A reply and its continuation together: both prompts and both outputs, under the model that wrote last; the first text stays the first.</summary>
    public ReplyUsage Plus(ReplyUsage more) =>
        new(PromptTokens + more.PromptTokens, CompletionTokens + more.CompletionTokens, more.Model, TimeToFirstTokenMs ?? more.TimeToFirstTokenMs);
}
