using BenchmarkDotNet.Running;
using ChatHub.Benchmarks;

// Not run in CI: `dotnet run -c Release --project tests/Benchmarks -- --filter '*'`, or `-- --store-scaling` (see docs/benchmarks.md).
if (args.Contains("--store-scaling"))
{
    await StoreScaling.RunAsync(args);
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(DeltaPathBenchmarks).Assembly).Run(args);
}
