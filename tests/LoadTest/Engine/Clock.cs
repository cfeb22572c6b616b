using System.Diagnostics;

namespace ChatHub.LoadTest.Engine;

/// <summary>Monotonic timestamps: every latency is a difference of two readings taken in this process.</summary>
public static class Clock
{
    public static long Now => Stopwatch.GetTimestamp();

    public static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    public static double MsSince(long from) => Ms(from, Now);
}
