namespace ChatHub.Storage.Mongo;

/// <summary>
/// The part of a conversation a read has loaded, as one <see cref="MessageTree"/>: the live document's messages (ids and parents)
/// and those of the committed buckets the read needed, in the order written. Where a message's parent was not loaded the tree
/// stops; a read that must go on loads the bucket that holds it, by index (<see cref="MessageBuckets"/>), never the whole conversation.
/// </summary>
internal sealed class ConversationWindow
{
    /// <summary>The number the live document's messages sort under: after every bucket.</summary>
    public const int Live = int.MaxValue;

    private readonly SortedList<int, Run> _runs = [];
    private readonly List<(int Start, Run Run)> _starts = [];

    public ConversationWindow(TreeDocument live)
    {
        Header = live;
        Add(new Run(Live, live.Messages, null));
    }

    /// <summary>The live document's leaf, bucket count and edit count as read.</summary>
    public TreeDocument Header { get; }

    public MessageTree Tree { get; private set; } = null!;

    public int LiveCount => _runs[Live].Nodes.Count;

    public bool Holds(int bucket) => _runs.ContainsKey(bucket);

    /// <summary>True when every committed bucket from <paramref name="bucket"/> on is loaded.</summary>
    public bool HoldsFrom(int bucket) => Enumerable.Range(bucket, Math.Max(0, Header.Buckets - bucket)).All(Holds);

    public IEnumerable<int> LoadedBuckets => _runs.Keys.Where(k => k != Live);

    /// <summary>Adds a bucket's messages (with their bodies when read whole); one already loaded is left as it is.</summary>
    public void Add(int bucket, List<TreeNode> nodes, List<MessageDocument>? bodies)
    {
        if (!Holds(bucket)) Add(new Run(bucket, nodes, bodies));
    }

    /// <summary>The bucket that holds the message at <paramref name="index"/> of the tree, or <see cref="Live"/>, and where in it.</summary>
    public (int Bucket, int Offset) Locate(int index)
    {
        var (start, run) = _starts.Last(s => s.Start <= index);
        return (run.Number, index - start);
    }

    /// <summary>The message at <paramref name="index"/> when its bucket was read whole; null for a live one (the read slices those).</summary>
    public MessageDocument? Body(int index)
    {
        var (start, run) = _starts.Last(s => s.Start <= index);
        return run.Bodies?[index - start];
    }

    private void Add(Run run)
    {
        _runs.Add(run.Number, run);
        _starts.Clear();
        var nodes = new List<TreeNode>();
        foreach (var r in _runs.Values)
        {
            _starts.Add((nodes.Count, r));
            nodes.AddRange(r.Nodes);
        }
        Tree = MessageTree.Of(Header.LeafId, nodes);
    }

    private sealed record Run(int Number, List<TreeNode> Nodes, List<MessageDocument>? Bodies);
}
