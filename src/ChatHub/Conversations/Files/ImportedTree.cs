using ChatHub.Contracts;
using ChatHub.Infrastructure;

namespace ChatHub.Conversations.Files;

/// <summary>
/// Builds an imported conversation's messages in the order written, each after its parent, with fresh ids, held to the
/// <see cref="ImportLimits"/>. A character's message answers its parent when that is a user's.
/// </summary>
public sealed class ImportedTree(ImportLimits limits)
{
    private readonly List<StoredMessage> _messages = [];

    public IReadOnlyList<StoredMessage> Messages => _messages;

    /// <param name="parent">The index <see cref="Add"/> gave the parent; null for a first message.</param>
    /// <param name="where">Where the message is in the file, for a problem's detail.</param>
    /// <returns>The message's index.</returns>
    public int Add(int? parent, string sender, string text, DateTimeOffset at, string where, string? status = null, bool edited = false)
    {
        if (_messages.Count == ImportLimits.MaxMessages) throw new ImportProblemException($"The file has more than {ImportLimits.MaxMessages} messages.");
        var max = sender == MessageValues.SenderUser ? limits.MaxUserMessageChars : limits.MaxCharacterMessageChars;
        if (text.Length > max) throw new ImportProblemException($"{where}: the message has {text.Length} characters; at most {max} are allowed.");
        var parentMessage = parent is { } p ? _messages[p] : null;
        _messages.Add(new StoredMessage(
            Ids.New(), sender, text, DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()),
            InReplyTo: sender == MessageValues.SenderAi && parentMessage?.Sender == MessageValues.SenderUser ? parentMessage.Id : null,
            Status: sender == MessageValues.SenderAi ? status ?? MessageValues.StatusComplete : null,
            ParentId: parentMessage?.Id,
            Edited: edited));
        return _messages.Count - 1;
    }

    /// <param name="characterId">The character the file names, if it names one.</param>
    /// <param name="leaf">The index of the active branch's last message.</param>
    public ImportedConversation Build(string? characterId, string? title, int leaf)
    {
        if (_messages.Count == 0) throw new ImportProblemException("The file holds no messages.");
        // Until the model names a conversation, its title is the start of the first user message; an import is named the same way.
        title ??= _messages.FirstOrDefault(m => m.Sender == MessageValues.SenderUser)?.Text is { } first && ConversationMapping.Shorten(first, ConversationTitles.MaxChars) is { Length: > 0 } start
            ? start
            : null;
        return new ImportedConversation(characterId, title, _messages, _messages[leaf].Id);
    }
}

/// <param name="CharacterId">The character the file names (our JSON does; a SillyTavern chat names only a character's name).</param>
/// <param name="Messages">In the order written, each after its parent, with fresh ids.</param>
public sealed record ImportedConversation(string? CharacterId, string? Title, IReadOnlyList<StoredMessage> Messages, string LeafId);
