using System.Text;
using ChatHub.Accounts;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Usage;

namespace ChatHub.Chat;

/// <summary>Why a reply ended before the model finished it.</summary>
public enum CutReason { None, StoppedByUser, ConversationDeleted, Shutdown }

/// <summary>
/// One reply being written. Deltas are appended under a lock, and a snapshot reads text and seq
/// under the same lock, so a watcher that joins mid-reply gets text that covers exactly 0..seq.
/// </summary>
/// <param name="continues">The stored reply this run goes on writing: its text starts with that one's.</param>
public sealed class ReplyRun(string conversationId, string userId, string replyId, string inReplyTo, StoredMessage? continues = null)
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new(continues?.Text);
    private readonly CancellationTokenSource _cancellation = new();
    private int _seq = -1;
    private CutReason _cut;
    private bool _written;

    public string ConversationId { get; } = conversationId;
    public string UserId { get; } = userId;
    public string ReplyId { get; } = replyId;
    public string InReplyTo { get; } = inReplyTo;

    /// <summary>The stored reply being continued, or null for a new reply.</summary>
    public StoredMessage? Continues { get; } = continues;

    /// <summary>The client's id of the regenerate or continue that started the run, stored with the reply.</summary>
    public string? RequestId { get; init; }

    /// <summary>Where the reply stands among its alternatives once stored.</summary>
    public SiblingPlace Place { get; init; } = SiblingPlace.Only;

    /// <summary>When the message that asked for the reply reached the hub (a <see cref="TimeProvider"/> timestamp).</summary>
    public long ReceivedAt { get; init; }

    /// <summary>The most tokens the user's role allows this reply.</summary>
    public int MaxTokens { get; init; } = int.MaxValue;

    /// <summary>The user's role when they asked: usage metrics are counted by it.</summary>
    public string Role { get; init; } = Roles.Free;

    /// <summary>What the reply costs, gathered as it is written.</summary>
    public ReplyTokens Tokens { get; } = new();
    public CancellationToken Token => _cancellation.Token;

    public CutReason Cut
    {
        get { lock (_lock) return _cut; }
    }

    /// <summary>Adds a piece of text and returns its seq.</summary>
    public int Append(string text)
    {
        lock (_lock)
        {
            _text.Append(text);
            return ++_seq;
        }
    }

    public string Text
    {
        get { lock (_lock) return _text.ToString(); }
    }

    public ActiveReply Snapshot()
    {
        lock (_lock) return new ActiveReply { ReplyId = ReplyId, InReplyTo = InReplyTo, Text = _text.ToString(), Seq = _seq };
    }

    /// <summary>The model has written the whole reply: a stop that comes while its last pieces go out does not cut it.</summary>
    public void MarkWritten()
    {
        lock (_lock) _written = true;
    }

    /// <summary>Stops whatever the run is still waiting for, with no reason to show: it ends unseen, or has failed already.</summary>
    public void Abandon() => _cancellation.Cancel();

    /// <summary>Ends generation; the first reason given is the one that counts, and none once the reply is written.</summary>
    public void CutShort(CutReason reason)
    {
        lock (_lock)
        {
            if (_cut == CutReason.None && !_written) _cut = reason;
        }
        _cancellation.Cancel();
    }
}
