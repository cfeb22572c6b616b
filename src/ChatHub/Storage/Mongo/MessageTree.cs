using ChatHub.Conversations;
using MongoDB.Bson;
using MongoDB.Bson.Serialization.Attributes;

namespace ChatHub.Storage.Mongo;

/// <summary>
/// A conversation's tree as its messages' ids and parents alone, in array order (the order they were
/// written): a few dozen bytes a message, read instead of the messages to find a branch, a message's
/// alternatives or a subtree; then only the slice of the array that holds those is read. A message
/// stored before conversations were trees has neither <c>parent_id</c> nor <c>root</c>: it follows the
/// one before it, so an old conversation reads as one branch.
/// </summary>
internal sealed class MessageTree
{
    private readonly List<string> _ids;
    private readonly List<string?> _parents;
    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, List<int>> _children = [];
    private readonly List<int> _roots = [];

    private MessageTree(ObjectId? leafId, IReadOnlyList<TreeNode> nodes)
    {
        _ids = nodes.Select(n => n.Id.ToString()).ToList();
        _parents = nodes.Select((n, i) => n.ParentId?.ToString() ?? (n.Root || i == 0 ? null : _ids[i - 1])).ToList();
        _index = _ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        for (var i = 0; i < _ids.Count; i++)
        {
            if (_parents[i] is { } parent) Children(parent).Add(i);
            else _roots.Add(i);
        }
        StoredLeafId = leafId?.ToString();
        LeafId = StoredLeafId ?? _ids.LastOrDefault();
    }

    public static MessageTree Of(TreeDocument document) => new(document.LeafId, document.Messages);

    /// <summary>The tree of the messages given, in the order written: a conversation read whole, or the part of it a read loaded (<see cref="ConversationWindow"/>).</summary>
    public static MessageTree Of(ObjectId? leafId, IReadOnlyList<TreeNode> nodes) => new(leafId, nodes);

    /// <summary>The tree of a conversation document's live messages.</summary>
    public static MessageTree Of(ConversationDocument document) => new(document.LeafId, document.Messages.ConvertAll(TreeNode.Of));

    public int Count => _ids.Count;

    /// <summary>The leaf as stored: null for a conversation written before trees (and for an empty one).</summary>
    public string? StoredLeafId { get; }

    public string? LeafId { get; }

    public int? IndexOf(string? id) => id is not null && _index.TryGetValue(id, out var i) ? i : null;

    public string IdAt(int index) => _ids[index];

    public string? ParentAt(int index) => _parents[index];

    /// <summary>The array positions from the root to the message, root first; empty when it is not there.</summary>
    public List<int> PathTo(string? id)
    {
        var path = new List<int>();
        for (var i = IndexOf(id); i is { } at; i = IndexOf(_parents[at])) path.Add(at);
        path.Reverse();
        return path;
    }

    public List<int> SiblingsAt(int index) => _parents[index] is { } parent ? Children(parent) : _roots;

    public SiblingPlace PlaceAt(int index)
    {
        var siblings = SiblingsAt(index);
        return new SiblingPlace(siblings.IndexOf(index), siblings.Count);
    }

    /// <summary>The message and everything under it, as ids.</summary>
    public HashSet<string> Subtree(string id)
    {
        var ids = new HashSet<string>();
        var pending = new Stack<int>(IndexOf(id) is { } start ? [start] : []);
        while (pending.TryPop(out var i))
        {
            ids.Add(_ids[i]);
            foreach (var child in Children(_ids[i])) pending.Push(child);
        }
        return ids;
    }

    /// <summary>Of the messages with no children under <paramref name="id"/> (every root when null), the last written, leaving out <paramref name="gone"/>.</summary>
    public string? LatestLeafUnder(string? id, IReadOnlySet<string>? gone = null)
    {
        gone ??= new HashSet<string>();
        int? latest = null;
        var pending = new Stack<int>(id is null ? _roots : IndexOf(id) is { } start ? [start] : []);
        while (pending.TryPop(out var i))
        {
            if (gone.Contains(_ids[i])) continue;
            var children = Children(_ids[i]).Where(c => !gone.Contains(_ids[c])).ToList();
            if (children.Count == 0 && (latest is null || i > latest)) latest = i;
            foreach (var child in children) pending.Push(child);
        }
        return latest is { } found ? _ids[found] : null;
    }

    private List<int> Children(string id) => _children.TryGetValue(id, out var list) ? list : _children[id] = [];
}

/// <summary>The projection <see cref="MessageTree"/> reads.</summary>
[BsonIgnoreExtraElements]
internal sealed class TreeDocument
{
    [BsonElement("leaf_id"), BsonIgnoreIfNull]
    public ObjectId? LeafId { get; set; }

    [BsonElement("messages")]
    public List<TreeNode> Messages { get; set; } = [];

    [BsonElement("buckets"), BsonIgnoreIfDefault]
    public int Buckets { get; set; }

    [BsonElement("edits"), BsonIgnoreIfDefault]
    public long Edits { get; set; }
}

[BsonNoId, BsonIgnoreExtraElements]
internal sealed class TreeNode
{
    [BsonElement("id")]
    public ObjectId Id { get; set; }

    [BsonElement("parent_id"), BsonIgnoreIfNull]
    public ObjectId? ParentId { get; set; }

    [BsonElement("root"), BsonIgnoreIfDefault]
    public bool Root { get; set; }

    public static TreeNode Of(MessageDocument message) => new() { Id = message.Id, ParentId = message.ParentId, Root = message.Root };
}
