using ChatHub.Contracts;

namespace ChatHub.LoadTest.Engine;

/// <summary>
/// After the run: every completed turn must be stored exactly as streamed, under the ids the hub
/// gave, and nothing else may be stored in the conversation.
/// </summary>
public static class HistoryCheck
{
    private const int Parallelism = 8;

    public static async Task RunAsync(IEnumerable<UserSession> sessions, RunState state, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(sessions.Where(s => s.ConversationId is not null), parallel, async (session, ct) =>
        {
            IReadOnlyList<MessageDto>? history;
            try
            {
                history = await state.Target.Setup.HistoryAsync(state.Node(session.Index), session.AccessToken, session.ConversationId!, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                state.Errors.Add("history fetch", ex);
                return;
            }
            if (history is null) return;
            foreach (var turn in session.Turns.Where(turn => !Matches(turn, history))) state.Correctness.HistoryMismatch();
            // Where every turn completed, two messages per turn is all there may be after the greeting the conversation opened with.
            var afterGreeting = history.Count(m => m.ParentId is not null || m.Sender != MessageValues.SenderAi);
            if (session.Turns.Count == state.Options.Messages && afterGreeting != 2 * session.Turns.Count) state.Correctness.HistoryMismatch();
        });
    }

    private static bool Matches(Turn turn, IReadOnlyList<MessageDto> history)
    {
        if (history.Where(m => m.Id == turn.Sent.UserMessageId).ToList() is not [var user]) return false;
        if (history.Where(m => m.Id == turn.Sent.ReplyId).ToList() is not [var reply]) return false;
        return user.Sender == MessageValues.SenderUser
            && user.Message == turn.Request.Message
            && user.ClientMessageId == turn.Request.ClientMessageId
            && reply.Sender == MessageValues.SenderAi
            && reply.Status == MessageValues.StatusComplete
            && reply.InReplyTo == user.Id
            && reply.Message == turn.StreamedText
            && reply == turn.Completed;
    }
}
