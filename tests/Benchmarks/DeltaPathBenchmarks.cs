using System.Buffers;
using BenchmarkDotNet.Attributes;
using ChatHub.Contracts;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ChatHub.Benchmarks;

/// <summary>
/// What one ReplyDelta costs on its way out of the hub, per hub protocol. Not sealed: BenchmarkDotNet
/// derives its runner from this class.
/// </summary>
[MemoryDiagnoser]
public class DeltaPathBenchmarks
{
    private const string ConversationId = "6740a1000000000000000042";
    private const string ReplyId = "6740a10000000000000000ff";

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private IHubProtocol _protocol = null!;
    private InvocationMessage _invocation = null!;

    [Params(HubProtocol.Json, HubProtocol.MessagePack)]
    public HubProtocol Protocol { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Default options, as the hub's AddSignalR().AddMessagePackProtocol() uses them.
        _protocol = Protocol == HubProtocol.Json ? new JsonHubProtocol() : new MessagePackHubProtocol();
        _invocation = Invocation(seq: 7);
    }

    /// <summary>The protocol alone: a ready invocation written into a buffer that is reused.</summary>
    [Benchmark(Baseline = true)]
    public int WriteIntoReusedBuffer()
    {
        _buffer.ResetWrittenCount();
        _protocol.WriteMessage(_invocation, _buffer);
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// The hub's share per delta sent to a group: the delta, its invocation, and the serialized bytes
    /// SignalR makes once per protocol and shares among the group's connections.
    /// </summary>
    [Benchmark]
    public int CreateAndSerializeForGroup() => _protocol.GetMessageBytes(Invocation(seq: 8)).Length;

    private static InvocationMessage Invocation(int seq) =>
        new(HubEvents.ReplyDelta, [new ReplyDelta { ConversationId = ConversationId, ReplyId = ReplyId, Seq = seq, Text = "detective " }]);
}
