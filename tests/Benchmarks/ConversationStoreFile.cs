using ChatHub.Characters;
using ChatHub.Chat;
using ChatHub.Contracts;
using ChatHub.Conversations;
using ChatHub.Infrastructure;
using ChatHub.Llm;
using ChatHub.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatHub.Benchmarks;

/// <summary>A conversation of the benchmark's file: how many messages it was seeded with, and the leaf its next turn goes under.</summary>
public sealed class SeededConversation(string id, int seeded, string leafId)
{
    public string Id { get; } = id;

    public int Seeded { get; } = seeded;

    public string LeafId { get; set; } = leafId;
}

/// <summary>
/// The SQLite store wired as the service wires it (<see cref="SqliteExtensions.AddSqliteStorage"/>) over a file of its own,
/// and what a turn asks of it: the user's message and its reply appended, the latest page read, the prompt's history built.
/// Conversations are seeded with plain inserts in one transaction, since appending 50,000 messages one commit at a time would
/// take minutes; the search triggers fire for them as for any append. Disposing it deletes the file.
/// </summary>
public sealed class ConversationStoreFile : IAsyncDisposable
{
    public const string UserId = "6740a1000000000000000001";

    /// <summary>The page the client asks for when it opens a conversation.</summary>
    public const int PageSize = 50;

    private static readonly string[] Words =
    [
        "the", "lantern", "swung", "over", "a", "harbour", "where", "nobody", "had", "waited", "for", "ships", "since", "winter",
        "she", "said", "quietly", "and", "looked", "at", "me", "as", "if", "I", "should", "know", "why", "keeper", "left", "his",
        "door", "open", "rain", "came", "in", "from", "sea", "smelling", "of", "salt", "iron", "we", "walked", "along", "wall",
        "until", "lights", "town", "were", "gone", "behind", "us", "then", "asked", "what", "map", "really", "showed",
    ];

    private readonly ServiceProvider _services;
    private readonly string _directory;
    private readonly Character _character;
    private readonly PromptBuilder _prompts = new(Options.Create(new LlmOptions()));
    private readonly int _historyMessages = new ChatSettings().HistoryMessages;
    private readonly Random _random = new(16);

    private ConversationStoreFile(ServiceProvider services, string directory)
    {
        (_services, _directory) = (services, directory);
        Conversations = services.GetRequiredService<IConversationStore>();
        Database = services.GetRequiredService<SqliteDatabase>();
        var now = DateTimeOffset.UtcNow;
        _character = new Character(Ids.New(), "Mira", "A lighthouse keeper's daughter who knows the coast's secrets.", ["curious", "dry humour"],
            ["The lighthouse has been dark since the storm."], 0.8, 400, now, now);
    }

    public IConversationStore Conversations { get; }

    public SqliteDatabase Database { get; }

    /// <summary>The file's write-ahead log: what a commit writes goes there first.</summary>
    public string WalPath => Path.Combine(_directory, "chathub.db-wal");

    public static async Task<ConversationStoreFile> OpenAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"chathub-bench-{Guid.NewGuid():N}");
        var services = new ServiceCollection().AddSqliteStorage($"Data Source={Path.Combine(directory, "chathub.db")}").BuildServiceProvider();
        await services.GetRequiredService<SqliteDatabase>().InitializeAsync(CancellationToken.None);
        return new ConversationStoreFile(services, directory);
    }

    /// <summary>
    /// One conversation per size, each a chain (every message's parent the one before it) of user messages and replies in
    /// turn, about 300 characters each, its leaf the last.
    /// </summary>
    public async Task<List<SeededConversation>> SeedAsync(IEnumerable<int> sizes)
    {
        using var turn = await Database.WriterAsync(CancellationToken.None);
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await using var transaction = connection.BeginTransaction();
        await using var conversation = connection.CreateCommand();
        conversation.Transaction = transaction;
        conversation.CommandText = """
            INSERT INTO conversations (id, user_id, character_id, created_at, updated_at, leaf_id)
            VALUES ($id, $user, $character, $at, $at, $leaf)
            """;
        await using var message = connection.CreateCommand();
        message.Transaction = transaction;
        message.CommandText = """
            INSERT INTO messages (conversation_id, position, id, sender, message, timestamp, client_message_id, reply_id, in_reply_to, status, parent_id)
            VALUES ($conversation, $position, $id, $sender, $text, $at, $client, $reply, $inReplyTo, $status, $parent)
            """;
        foreach (var name in new[] { "$conversation", "$position", "$id", "$sender", "$text", "$at", "$client", "$reply", "$inReplyTo", "$status", "$parent" })
        {
            message.Parameters.AddWithValue(name, DBNull.Value);
        }
        var at = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeMilliseconds();
        var seeded = new List<SeededConversation>();
        foreach (var size in sizes)
        {
            var id = Ids.New();
            var ids = Enumerable.Range(0, size).Select(_ => Ids.New()).ToArray();
            conversation.Parameters.Clear();
            conversation.Parameters.AddWithValue("$id", id);
            conversation.Parameters.AddWithValue("$user", UserId);
            conversation.Parameters.AddWithValue("$character", _character.Id);
            conversation.Parameters.AddWithValue("$at", at);
            conversation.Parameters.AddWithValue("$leaf", ids[^1]);
            await conversation.ExecuteNonQueryAsync();
            for (var i = 0; i < size; i++)
            {
                // A user message carries its reply's id, a reply the message it answers.
                var user = i % 2 == 0;
                message.Parameters["$conversation"].Value = id;
                message.Parameters["$position"].Value = i;
                message.Parameters["$id"].Value = ids[i];
                message.Parameters["$sender"].Value = user ? MessageValues.SenderUser : MessageValues.SenderAi;
                message.Parameters["$text"].Value = Text();
                message.Parameters["$at"].Value = at + i;
                message.Parameters["$client"].Value = user ? Guid.NewGuid().ToString() : DBNull.Value;
                message.Parameters["$reply"].Value = user && i + 1 < size ? ids[i + 1] : user ? Ids.New() : DBNull.Value;
                message.Parameters["$inReplyTo"].Value = user ? DBNull.Value : ids[i - 1];
                message.Parameters["$status"].Value = user ? DBNull.Value : MessageValues.StatusComplete;
                message.Parameters["$parent"].Value = i > 0 ? ids[i - 1] : DBNull.Value;
                await message.ExecuteNonQueryAsync();
            }
            seeded.Add(new SeededConversation(id, size, ids[^1]));
        }
        await transaction.CommitAsync();
        return seeded;
    }

    /// <summary>One turn as the hub stores it: the user's message under the leaf, then the model's reply under it, two commits.</summary>
    /// <param name="between">Runs once the user's message is stored, before the reply is.</param>
    public async Task TurnAsync(SeededConversation conversation, Func<Task>? between = null)
    {
        var replyId = Ids.New();
        var message = new StoredMessage(Ids.New(), MessageValues.SenderUser, Text(), DateTimeOffset.UtcNow,
            ClientMessageId: Guid.NewGuid().ToString(), ReplyId: replyId, ParentId: conversation.LeafId);
        if (await Conversations.AppendUserMessageAsync(conversation.Id, UserId, message, CancellationToken.None) is not { Appended: true })
        {
            throw new InvalidOperationException("The user's message was not appended.");
        }
        if (between is not null) await between();
        var reply = new StoredMessage(replyId, MessageValues.SenderAi, Text(), DateTimeOffset.UtcNow,
            InReplyTo: message.Id, Status: MessageValues.StatusComplete, ParentId: message.Id);
        if (!await Conversations.AppendReplyAsync(conversation.Id, reply, CancellationToken.None))
        {
            throw new InvalidOperationException("The reply was not appended.");
        }
        conversation.LeafId = replyId;
    }

    /// <summary>What a client opening the conversation reads: the last page of its active branch.</summary>
    public async Task<MessageSlice> LatestPageAsync(SeededConversation conversation, int limit = PageSize) =>
        await Conversations.GetMessagesAsync(conversation.Id, UserId, limit, null, CancellationToken.None)
        ?? throw new InvalidOperationException("The conversation is gone.");

    /// <summary>
    /// What a reply's prompt reads, as <see cref="ReplyTurn"/> reads it: the branch through the leaf, <c>Chat:HistoryMessages</c>
    /// long, cut to the token budget by the prompt builder.
    /// </summary>
    public async Task<ModelRequest> PromptAsync(SeededConversation conversation)
    {
        var history = await Conversations.GetPathAsync(conversation.Id, UserId, conversation.LeafId, _historyMessages, CancellationToken.None)
            ?? throw new InvalidOperationException("The conversation is gone.");
        return _prompts.Build(_character, history.Messages);
    }

    /// <summary>About 300 characters of prose.</summary>
    private string Text()
    {
        var text = new System.Text.StringBuilder(320);
        while (text.Length < 300) text.Append(Words[_random.Next(Words.Length)]).Append(' ');
        return text.ToString().TrimEnd() + ".";
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory is no failure of the benchmark.
        }
    }
}
