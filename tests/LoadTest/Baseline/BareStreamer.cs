using System.Text;
using ChatHub.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace ChatHub.LoadTest.Baseline;

/// <summary>Streams a reply apart from the hub invocation, like the real reply coordinator.</summary>
public sealed class BareStreamer(IHubContext<BareHub, IChatHubClient> hub, BarePace pace, TimeProvider clock)
{
    public void Start(string conversationId, SendMessageResult sent) => _ = Task.Run(() => StreamAsync(conversationId, sent));

    private async Task StreamAsync(string conversationId, SendMessageResult sent)
    {
        var group = hub.Clients.Group(conversationId);
        await group.ReplyStarted(new ReplyStarted { ConversationId = conversationId, ReplyId = sent.ReplyId, InReplyTo = sent.UserMessageId });
        if (pace.FirstToken > TimeSpan.Zero) await Task.Delay(pace.FirstToken);
        var text = new StringBuilder();
        for (var seq = 0; seq < pace.TokensPerReply; seq++)
        {
            if (seq > 0 && pace.BetweenTokens > TimeSpan.Zero) await Task.Delay(pace.BetweenTokens);
            text.Append(BarePace.Token);
            await group.ReplyDelta(new ReplyDelta { ConversationId = conversationId, ReplyId = sent.ReplyId, Seq = seq, Text = BarePace.Token });
        }
        var message = new MessageDto
        {
            Id = sent.ReplyId,
            Sender = MessageValues.SenderAi,
            Message = text.ToString(),
            Timestamp = clock.GetUtcNow(),
            Status = MessageValues.StatusComplete,
            InReplyTo = sent.UserMessageId,
        };
        await group.ReplyCompleted(new ReplyCompleted { ConversationId = conversationId, ReplyId = sent.ReplyId, Message = message });
    }
}
