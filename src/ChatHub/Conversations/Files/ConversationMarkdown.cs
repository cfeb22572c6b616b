using System.Globalization;
using System.Text;
using ChatHub.Contracts;

namespace ChatHub.Conversations.Files;

/// <summary>The active branch as Markdown: a heading, then each message under its sender's name and time, oldest first.</summary>
public static class ConversationMarkdown
{
    public static string Write(Conversation conversation, IReadOnlyList<StoredMessage> messages, string characterName, string userName)
    {
        var markdown = new StringBuilder()
            .Append("# ").AppendLine(conversation.Title ?? $"Chat with {characterName}")
            .AppendLine()
            .Append('*').Append(characterName).Append(" · started ").Append(Time(conversation.CreatedAt)).AppendLine("*");
        foreach (var message in Branch(messages, conversation.LeafId))
        {
            var name = message.Sender == MessageValues.SenderUser ? userName : characterName;
            markdown.AppendLine().AppendLine("---").AppendLine()
                .Append("**").Append(name).Append("** · ").Append(Time(message.Timestamp)).AppendLine(message.Edited ? " · edited" : "")
                .AppendLine()
                .AppendLine(message.Text);
        }
        return markdown.ToString();
    }

    /// <summary>The path from the root to the leaf (the last message when the leaf is not among them).</summary>
    public static List<StoredMessage> Branch(IReadOnlyList<StoredMessage> messages, string? leafId)
    {
        var byId = messages.ToDictionary(m => m.Id);
        var branch = new List<StoredMessage>();
        for (var at = leafId is not null && byId.TryGetValue(leafId, out var leaf) ? leaf : messages.LastOrDefault();
             at is not null;
             at = at.ParentId is { } parent ? byId.GetValueOrDefault(parent) : null)
        {
            branch.Add(at);
        }
        branch.Reverse();
        return branch;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
