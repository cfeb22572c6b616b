namespace ChatHub.LoadTest.Report;

/// <summary>Counts that must all be 0: each is a reply (on one device) whose stream or stored copy is wrong.</summary>
public sealed record Correctness(int MissingSeq, int DuplicatedSeq, int OutOfOrderSeq, int HistoryMismatch)
{
    public int Total => MissingSeq + DuplicatedSeq + OutOfOrderSeq + HistoryMismatch;
}
