using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/PorousActors.Benchmarks -- --filter '*'            (BenchmarkDotNet)
// dotnet run -c Release --project tests/PorousActors.Benchmarks -- supervisor sqlite 200   (campaign supervisor capacity)
// dotnet run -c Release --project tests/PorousActors.Benchmarks -- scale sqlite 1000 10000  (memory and time per chain as campaigns grow)
if (args.Length > 0 && args[0] == "scale")
{
    await PorousActors.Benchmarks.SupervisorCapacity.Scale(args.Length > 1 ? args[1] : "sqlite", args.Length > 2 ? args[2..].Select(int.Parse).ToArray() : [1000, 10000]);
    return;
}
if (args.Length > 0 && args[0] == "supervisor")
{
    await PorousActors.Benchmarks.SupervisorCapacity.Run(args.Length > 1 ? args[1] : "sqlite", args.Length > 2 ? int.Parse(args[2]) : 200);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(PorousActors.Benchmarks.ImageMetricsBenchmarks).Assembly).Run(args);
