using System.Globalization;

namespace ChatHub.LoadTest.Engine;

/// <summary>Memory of the server under test at one moment.</summary>
public sealed record MemoryReading(string Source, long? RssBytes, long? GcHeapBytes);

public static class ServerMemory
{
    /// <param name="serverPid">A separate server process; null reads this process, which then holds client and server both.</param>
    public static MemoryReading Read(int? serverPid, bool selfHosted)
    {
        if (serverPid is { } pid) return new MemoryReading($"server process {pid} (VmRSS)", ResidentBytes(pid), GcHeapBytes: null);
        if (!selfHosted) return new MemoryReading("not measured: give --server-pid", null, null);
        // Collect first, so the heap figure counts what is live rather than what is not yet collected.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        return new MemoryReading("this process: client and server together", Environment.WorkingSet, heap);
    }

    /// <summary>VmRSS of a process on this machine, or null when it cannot be read.</summary>
    public static long? ResidentBytes(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kb is null ? null : long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
