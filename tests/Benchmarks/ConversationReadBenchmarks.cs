using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using ChatHub.Conversations;
using ChatHub.Llm;

namespace ChatHub.Benchmarks;

/// <summary>
/// The reads a turn makes of a conversation, against its length (issue 16: the figure at 50,000 messages within 1.5x of
/// the figure at 10). Through the real SQLite store on a real file; <see cref="StoreScaling"/> measures the appends. Not
/// sealed: BenchmarkDotNet derives its runner from this class.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Percentiles))]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class ConversationReadBenchmarks
{
    /// <summary>The median and 95th percentile of the iterations' means, beside BenchmarkDotNet's usual columns.</summary>
    private sealed class Percentiles : ManualConfig
    {
        public Percentiles() => AddColumn(StatisticColumn.P50, StatisticColumn.P95);
    }

    private ConversationStoreFile _file = null!;
    private SeededConversation _conversation = null!;

    [Params(10, 1_000, 10_000, 50_000)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _file = ConversationStoreFile.OpenAsync().GetAwaiter().GetResult();
        _conversation = _file.SeedAsync([Messages]).GetAwaiter().GetResult()[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _file.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>What a client opening the conversation reads: its latest 50 messages.</summary>
    [Benchmark]
    public Task<MessageSlice> LatestPage() => _file.LatestPageAsync(_conversation);

    /// <summary>A reply's prompt: the branch's last 100 messages, cut to the token budget.</summary>
    [Benchmark]
    public Task<ModelRequest> Prompt() => _file.PromptAsync(_conversation);
}
