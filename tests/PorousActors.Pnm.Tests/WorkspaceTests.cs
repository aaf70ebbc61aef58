using PorousActors.Core;
using PorousActors.Core.Generators;
using PorousActors.Pnm.Extraction;
using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm.Tests;

/// <summary>A worker's evaluations reuse their voxel arrays: same answers, far less allocation.</summary>
public class WorkspaceTests
{
    static void Same(RockProperties a, RockProperties b)
    {
        Assert.Equal(a.Porosity, b.Porosity);
        Assert.Equal(a.SpecificSurfacePerM, b.SpecificSurfacePerM);
        Assert.Equal(a.PoreCount, b.PoreCount);
        Assert.Equal(a.ThroatCount, b.ThroatCount);
        Assert.Equal(a.MeanPoreDiameterM, b.MeanPoreDiameterM);
        Assert.Equal(a.MeanThroatDiameterM, b.MeanThroatDiameterM);
        Assert.Equal(a.Permeability[0].PermeabilityM2, b.Permeability[0].PermeabilityM2);
    }

    [Fact]
    public void ReusedArraysGiveTheAnswersOfFreshOnesAndAllocateAFractionOfThem()
    {
        var sim = new PoreNetworkSimulator([FlowAxis.Z]);
        // different rocks of one size in turn: anything left over from the previous one would show
        var rocks = new[]
        {
            OverlappingSpheres.Generate(48, 0.3, 4, 1, 2e-6), GaussianBlobs.Generate(48, 0.25, 2, 2, 2e-6),
            OverlappingSpheres.Generate(48, 0.2, 3, 3, 2e-6), GaussianBlobs.Generate(48, 0.35, 3, 4, 2e-6),
        };
        var fresh = rocks.Select(r => sim.Simulate(r, out SnowExtractor.Result _)).ToList(); // arrays of their own
        var allocated = new List<long>();
        for (int i = 0; i < rocks.Length; i++)
        {
            // this thread's allocations, where the voxel arrays are made (a process-wide count
            // would include the other test classes running beside this one)
            long before = GC.GetAllocatedBytesForCurrentThread();
            var pooled = sim.Simulate(rocks[i]);
            allocated.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            Same(fresh[i], pooled);
        }
        // and the other way round: a fresh extraction after pooled ones is untouched by them
        Same(fresh[0], sim.Simulate(rocks[0], out SnowExtractor.Result _));
        long voxels = rocks[0].Count;
        Assert.True(allocated[^1] < allocated[0] / 3, $"allocated {string.Join(", ", allocated)} bytes");
        Assert.True(allocated[0] > 20 * voxels, $"the first evaluation allocated {allocated[0] / (double)voxels:F1} bytes per voxel");
        Assert.True(allocated[^1] < 8 * voxels, $"the last evaluation allocated {allocated[^1] / (double)voxels:F1} bytes per voxel");
    }
}
