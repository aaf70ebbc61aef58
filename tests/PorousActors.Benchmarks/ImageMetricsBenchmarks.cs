using BenchmarkDotNet.Attributes;
using PorousActors.Core;
using PorousActors.Core.Filters;
using PorousActors.Core.Generators;
using PorousActors.Core.Metrics;

namespace PorousActors.Benchmarks;

/// <summary>`porous analyze`'s image metrics on Gaussian-field rocks (porosity 0.2, 5.345 µm voxels).</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 10)]
public class ImageMetricsBenchmarks
{
    Volume rock = null!;

    [Params(64, 128)]
    public int Size;

    [GlobalSetup]
    public void Setup() => rock = GaussianBlobs.Generate(Size, 0.2, 3, 1, 5.345e-6);

    [Benchmark] public double Porosity() => Core.Metrics.Porosity.Compute(rock);
    [Benchmark] public double SpecificSurface() => Core.Metrics.SpecificSurface.Compute(rock);
    [Benchmark] public long Euler26() => EulerCharacteristic.Compute26(rock);
    [Benchmark] public long Euler6() => EulerCharacteristic.Compute6(rock);
    [Benchmark] public float[] DistanceMap() => DistanceTransform.Compute(rock);
    [Benchmark] public ImageMetrics AllImageMetrics() => ImageMetrics.Compute(rock);
}
