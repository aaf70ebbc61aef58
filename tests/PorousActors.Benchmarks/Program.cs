using BenchmarkDotNet.Running;

// Run: dotnet run -c Release --project tests/PorousActors.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(PorousActors.Benchmarks.ImageMetricsBenchmarks).Assembly).Run(args);
