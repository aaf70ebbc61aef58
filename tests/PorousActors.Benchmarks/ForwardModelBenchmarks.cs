using BenchmarkDotNet.Attributes;
using PorousActors.Core;
using PorousActors.Core.Filters;
using PorousActors.Core.Generators;
using PorousActors.Pnm;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.Network;

namespace PorousActors.Benchmarks;

/// <summary>
/// The forward model per stage on Gaussian-field rocks (porosity 0.2, correlation length 3 voxels,
/// 5.345 µm voxels): distance transform, smoothing + peaks, watershed, network, flow solve, and the
/// whole `analyze` (image metrics + network + permeability along z).
/// </summary>
[SimpleJob(warmupCount: 1, iterationCount: 7)]
public class ForwardModelBenchmarks
{
    Volume rock = null!;
    float[] dt = null!, smooth = null!;
    int[] markers = null!, regions = null!;
    int markerCount;
    PoreNetwork net = null!;

    [Params(64, 128, 200)]
    public int Size;

    [GlobalSetup]
    public void Setup()
    {
        rock = GaussianBlobs.Generate(Size, 0.2, 3, 1, 5.345e-6);
        dt = DistanceTransform.Compute(rock);
        smooth = Smooth();
        (markers, markerCount) = PeakFinder.Find(smooth, dt, rock.Data, Size, Size, Size);
        regions = Watershed.Flood(markers, markerCount, dt, rock.Data, Size, Size, Size);
        net = NetworkBuilder.Build(regions, markerCount, dt, rock.Data, Size, Size, Size, rock.VoxelSize);
    }

    float[] Smooth()
    {
        var s = (float[])dt.Clone();
        GaussianFilter.ApplyInPlace(s, Size, Size, Size, SnowExtractor.Sigma, dropNegligibleTaps: false);
        for (int i = 0; i < s.Length; i++) if (rock.Data[i] == 0) s[i] = 0;
        return s;
    }

    [Benchmark] public float[] DistanceTransformStage() => DistanceTransform.Compute(rock);
    [Benchmark] public int PeaksStage() => PeakFinder.Find(Smooth(), dt, rock.Data, Size, Size, Size).Count;
    [Benchmark] public int[] WatershedStage() => Watershed.Flood(markers, markerCount, dt, rock.Data, Size, Size, Size);
    [Benchmark] public PoreNetwork NetworkStage() => NetworkBuilder.Build(regions, markerCount, dt, rock.Data, Size, Size, Size, rock.VoxelSize);
    [Benchmark] public double SolveStage() => StokesFlow.Permeability(net, FlowAxis.Z).PermeabilityM2;
    [Benchmark(Baseline = true)] public RockProperties WholeAnalyze() => new PoreNetworkSimulator().Simulate(rock);
}
