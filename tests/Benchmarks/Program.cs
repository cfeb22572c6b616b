using BenchmarkDotNet.Running;

// Not run in CI: `dotnet run -c Release --project tests/Benchmarks -- --filter '*'` (see docs/benchmarks.md).
BenchmarkSwitcher.FromAssembly(typeof(ChatHub.Benchmarks.DeltaPathBenchmarks).Assembly).Run(args);
