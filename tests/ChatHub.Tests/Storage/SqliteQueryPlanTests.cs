using System.Text.RegularExpressions;
using ChatHub.Storage.Sqlite;

namespace ChatHub.Tests.Storage;

/// <summary>
/// Every read and write a message goes through finds its rows by index, so its cost does not grow with the conversation
/// (issue 16). Each test asks SQLite how it would run the store's own statement (<c>EXPLAIN QUERY PLAN</c>) on a file the
/// store made as the service makes it, and looks for the index searches expected and for any read of a conversation's
/// messages as a whole: a scan, or a search that narrows them by conversation only.
/// </summary>
public sealed partial class SqliteQueryPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The leaf and the root side of a page: a message by its id, and its place among its alternatives (a first message's
    // parent is NULL, which IS matches through the index too).
    private const string ById = "SEARCH m USING INDEX messages_by_id (conversation_id=? AND id=?)";
    private const string SiblingsBefore = "SEARCH s USING COVERING INDEX messages_by_parent (conversation_id=? AND parent_id=? AND position<?)";
    private const string Siblings = "SEARCH s USING COVERING INDEX messages_by_parent (conversation_id=? AND parent_id=?)";
    private const string ConversationById = "SEARCH conversations USING INDEX sqlite_autoindex_conversations_1 (id=?)";
    private const string ConversationExists = "SEARCH conversations EXISTS USING INDEX sqlite_autoindex_conversations_1 (id=?)";

    // MAX(position) over the primary key's (conversation_id, position): SQLite's min/max optimization reads the last entry
    // of the conversation's range only, so this search by conversation alone costs one probe.
    private const string LastPosition = "USING COVERING INDEX sqlite_autoindex_messages_1 (conversation_id=?)";

    /// <summary>A statement, the searches its plan must hold, and the searches by conversation alone it may hold because they read one row.</summary>
    private sealed record Expected(string Sql, string[] Searches, string[]? OneRow = null);

    private static readonly Dictionary<string, Expected> Statements = new()
    {
        ["latest page"] = new(SqliteConversationStore.LatestPageSql, [ById, SiblingsBefore, Siblings,
            "SEARCH messages USING INDEX messages_by_id (conversation_id=? AND id=?)", ConversationById]),
        ["older page"] = new(SqliteConversationStore.OlderPageSql, [ById, SiblingsBefore, Siblings,
            "SEARCH messages USING INDEX messages_by_id (conversation_id=? AND id=?)"]),
        ["prompt's branch"] = new(SqliteConversationStore.PathThroughSql, [ById, SiblingsBefore, Siblings]),
        ["one message and its place"] = new(SqliteConversationStore.MessageSql, [ById, SiblingsBefore, Siblings, ConversationExists]),
        ["alternatives"] = new(SqliteConversationStore.SiblingsSql, [
            "SEARCH o USING INDEX messages_by_id (conversation_id=? AND id=?)",
            "SEARCH m USING INDEX messages_by_parent (conversation_id=? AND parent_id=?)"]),
        ["message by client id"] = new(SqliteConversationStore.ByClientMessageIdSql, [
            "SEARCH messages USING INDEX messages_by_client_id (conversation_id=? AND client_message_id=?)", ConversationExists]),
        ["conversation, its leaf and awaited reply"] = new(SqliteConversationStore.ConversationSql, [ConversationById]),
        ["append"] = new(SqliteAppendBatcher.InsertSql, [
            "SEARCH messages USING COVERING INDEX messages_by_id (conversation_id=? AND id=?)", ConversationExists, $"SEARCH messages {LastPosition}"],
            OneRow: [$"SEARCH messages {LastPosition}"]),
        ["append's conversation update"] = new(SqliteAppendBatcher.TouchSql, [ConversationById]),
        ["edit or continued reply"] = new(SqliteConversationStore.ChangeSql, [
            "SEARCH messages USING INDEX messages_by_id (conversation_id=? AND id=?)", ConversationById]),
        ["unanswered messages at start-up"] = new(SqliteConversationStore.UnansweredSql, [
            "SEARCH c USING INDEX conversations_awaiting (awaiting_reply_id>?)",
            "SEARCH m USING INDEX sqlite_autoindex_messages_1 (conversation_id=? AND position=?)",
            "SEARCH r USING COVERING INDEX messages_by_id (conversation_id=? AND id=?)", $"SEARCH l {LastPosition}"],
            OneRow: [$"SEARCH l {LastPosition}"]),
        ["search"] = new(SqliteConversationStore.SearchSql, [
            "SEARCH m USING INDEX messages_by_id (conversation_id=? AND id=?) LEFT-JOIN",
            "SEARCH c USING INDEX conversations_by_user (user_id=?)",
            "SEARCH l USING INDEX messages_by_id (conversation_id=? AND id=?) LEFT-JOIN"]),
        ["conversation list"] = new(SqliteConversationStore.ListSql, [
            "SEARCH c USING INDEX conversations_by_user (user_id=?)",
            "SEARCH l USING INDEX messages_by_id (conversation_id=? AND id=?) LEFT-JOIN"]),
    };

    public static TheoryData<string> StatementNames => [.. Statements.Keys];

    [Theory]
    [MemberData(nameof(StatementNames))]
    public async Task EveryStatementAMessageGoesThroughFindsItsRowsByIndex(string statement)
    {
        await using var host = await StoreHost.SqliteAsync();
        var expected = Statements[statement];

        var plan = await PlanAsync(host, expected.Sql);

        Assert.All(expected.Searches, search => Assert.Contains(search, plan));
        Assert.Empty(ConversationReads(plan, expected.OneRow ?? []));
    }

    [Fact]
    public async Task WithoutTheParentIndexAPageWouldCountAlternativesThroughTheWholeConversation()
    {
        await using var host = await StoreHost.SqliteAsync();
        await using (var connection = await host.Get<SqliteDatabase>().OpenAsync(Ct))
        {
            await using var drop = connection.CreateCommand();
            drop.CommandText = "DROP INDEX messages_by_parent";
            await drop.ExecuteNonQueryAsync(Ct);
        }

        var plan = await PlanAsync(host, SqliteConversationStore.LatestPageSql);

        Assert.DoesNotContain(Siblings, plan);
        Assert.NotEmpty(ConversationReads(plan, []));
    }

    /// <summary>The plan's lines, with every parameter bound (SQLite plans the statement before it sees the values).</summary>
    private static async Task<List<string>> PlanAsync(StoreHost host, string sql)
    {
        await using var connection = await host.Get<SqliteDatabase>().OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var name in Parameter().Matches(sql).Select(m => m.Value).Distinct()) command.Parameters.AddWithValue(name, name == "$limit" ? 50 : "x");
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct)) plan.Add(reader.GetString(3));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, plan));
        return plan;
    }

    /// <summary>
    /// Lines that read a conversation's messages as a whole: a scan of the table under any of the store's names for it,
    /// or a search that narrows it by conversation only, unless the statement is known to read one row of it.
    /// </summary>
    private static List<string> ConversationReads(IEnumerable<string> plan, string[] oneRow) =>
        plan.Where(line => WholeConversation().IsMatch(line) && !oneRow.Contains(line)).ToList();

    [GeneratedRegex(@"\$\w+")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^(SCAN (messages|m|s|o|k|r|l)\b|SEARCH (messages|m|s|o|k|r|l) USING .*\(conversation_id=\?( AND position[<>]=?\?)*\))")]
    private static partial Regex WholeConversation();
}
