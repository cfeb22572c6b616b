using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace ChatHub.Benchmarks;

/// <summary>
/// <c>--store-scaling</c>: what a turn costs the SQLite store at 10, 1,000, 10,000 and 50,000 messages in the conversation
/// (issue 16), in one file that holds conversations of every size, so what differs between the rows is the conversation's
/// length alone. Each round visits every size once, in a shuffled order, so neither the machine's moods nor the search index's
/// periodic merges (work that falls on every few commits) land on one size more than another.
/// Latency is a Stopwatch over each turn (the user's message and its reply, two commits); bytes are what one append adds to
/// the write-ahead log, from an empty log (checkpointed and truncated before each, in a phase of its own); the reads, first,
/// are the page a client opens and the prompt's history. Bounded: about two minutes.
/// </summary>
public static class StoreScaling
{
    // Small conversations are many, so the turns do not grow any one of them far from its size.
    private static readonly (int Messages, int Conversations)[] Sizes = [(10, 200), (1_000, 20), (10_000, 2), (50_000, 1)];

    private const int WalHeader = 32, FrameHeader = 24;

    // A page as long as the smallest conversation: the same work at every size.
    private const int ShortPage = 10;

    public static async Task RunAsync(string[] args)
    {
        var turns = args.SkipWhile(a => a != "--turns").Skip(1).Select(int.Parse).FirstOrDefault(2_000);
        const int warmUp = 50, byteTurns = 200, reads = 500;
        await using var file = await ConversationStoreFile.OpenAsync();
        var clock = Stopwatch.StartNew();
        var sizes = new List<List<SeededConversation>>();
        foreach (var (messages, count) in Sizes) sizes.Add(await file.SeedAsync(Enumerable.Repeat(messages, count)));
        Console.WriteLine($"seeded {sizes.Sum(s => s.Sum(c => c.Seeded)):N0} messages in {clock.Elapsed.TotalSeconds:F1} s");

        // The reads first, while every conversation holds exactly the messages it was seeded with.
        var shortPageMs = sizes.Select(_ => new List<double>()).ToList();
        var pageMs = sizes.Select(_ => new List<double>()).ToList();
        var promptMs = sizes.Select(_ => new List<double>()).ToList();
        for (var i = 0; i < warmUp + reads; i++)
        {
            foreach (var s in Shuffled(sizes.Count))
            {
                var conversation = sizes[s][i % sizes[s].Count];
                var start = Stopwatch.GetTimestamp();
                await file.LatestPageAsync(conversation, ShortPage);
                var page = Stopwatch.GetTimestamp();
                await file.LatestPageAsync(conversation);
                var read = Stopwatch.GetTimestamp();
                await file.PromptAsync(conversation);
                if (i < warmUp) continue;
                shortPageMs[s].Add(Stopwatch.GetElapsedTime(start, page).TotalMilliseconds);
                pageMs[s].Add(Stopwatch.GetElapsedTime(page, read).TotalMilliseconds);
                promptMs[s].Add(Stopwatch.GetElapsedTime(read).TotalMilliseconds);
            }
        }

        var turnMs = sizes.Select(_ => new List<double>()).ToList();
        for (var i = 0; i < warmUp + turns; i++)
        {
            foreach (var s in Shuffled(sizes.Count))
            {
                var start = Stopwatch.GetTimestamp();
                await file.TurnAsync(sizes[s][i % sizes[s].Count]);
                if (i >= warmUp) turnMs[s].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }

        await using var checkpoints = await file.Database.OpenAsync(CancellationToken.None);
        var pageSize = await ScalarAsync(checkpoints, "PRAGMA page_size");
        var appendBytes = sizes.Select(_ => new List<long>()).ToList();
        for (var i = 0; i < byteTurns; i++)
        {
            foreach (var s in Shuffled(sizes.Count))
            {
                // The user's message and its reply, each from an empty log.
                await TruncateWalAsync(checkpoints);
                await file.TurnAsync(sizes[s][i % sizes[s].Count], between: () => RecordAndTruncateAsync(file, checkpoints, appendBytes[s]));
                appendBytes[s].Add(WalBytes(file));
            }
        }

        Console.WriteLine($"{turns:N0} turns, {byteTurns} turns for the bytes, {reads} reads per size; {clock.Elapsed.TotalSeconds:F0} s in all");
        Console.WriteLine();
        Console.WriteLine("| messages in the conversation | turn (2 appends) p50 / p99 / mean, ms | WAL bytes per append (pages) | latest 10 p50 / p99, ms | latest page (50) p50 / p99, ms | prompt (100 + builder) p50 / p99, ms |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
        for (var s = 0; s < sizes.Count; s++)
        {
            var grown = sizes[s].Max(c => c.Seeded + 2 * (int)Math.Ceiling((double)(warmUp + turns + byteTurns) / sizes[s].Count));
            var bytes = appendBytes[s].Average();
            Console.WriteLine($"| {Sizes[s].Messages:N0} (to {grown:N0}) | {P(turnMs[s], 50):F2} / {P(turnMs[s], 99):F2} / {turnMs[s].Average():F2} "
                + $"| {bytes:N0} ({bytes / (pageSize + FrameHeader):F1}) | {P(shortPageMs[s], 50):F2} / {P(shortPageMs[s], 99):F2} | {P(pageMs[s], 50):F2} / {P(pageMs[s], 99):F2} | {P(promptMs[s], 50):F2} / {P(promptMs[s], 99):F2} |");
        }
        Console.WriteLine();
        Console.WriteLine($"50,000 / 10: turn p50 {P(turnMs[^1], 50) / P(turnMs[0], 50):F2}x, p99 {P(turnMs[^1], 99) / P(turnMs[0], 99):F2}x, "
            + $"bytes {appendBytes[^1].Average() / appendBytes[0].Average():F2}x, latest 10 p50 {P(shortPageMs[^1], 50) / P(shortPageMs[0], 50):F2}x, page p50 {P(pageMs[^1], 50) / P(pageMs[0], 50):F2}x, "
            + $"prompt p50 {P(promptMs[^1], 50) / P(promptMs[0], 50):F2}x");
        Console.WriteLine($"50,000 / 1,000: page p50 {P(pageMs[^1], 50) / P(pageMs[1], 50):F2}x, prompt p50 {P(promptMs[^1], 50) / P(promptMs[1], 50):F2}x");
    }

    private static async Task RecordAndTruncateAsync(ConversationStoreFile file, SqliteConnection checkpoints, List<long> bytes)
    {
        bytes.Add(WalBytes(file));
        await TruncateWalAsync(checkpoints);
    }

    /// <summary>The frames the log holds past its header, page and frame header each.</summary>
    private static long WalBytes(ConversationStoreFile file) => Math.Max(0, new FileInfo(file.WalPath).Length - WalHeader);

    /// <summary>Copies the log into the file and empties it; fails rather than measure from a log that is not empty.</summary>
    private static async Task TruncateWalAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || reader.GetInt64(0) != 0) throw new InvalidOperationException("The checkpoint was blocked.");
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static readonly Random Order = new(16);

    private static int[] Shuffled(int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        Order.Shuffle(order);
        return order;
    }

    private static double P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
