using PorousActors.Core.Generators;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.VoxelFlow;
using TorchSharp;
using Xunit.Abstractions;

namespace PorousActors.Gan.Tests;

/// <summary>The tensor lattice-Boltzmann solver (the GPU path, run here on the CPU) must give what
/// the plain-array solver gives: same geometry, same lattice, same collision.</summary>
public class TorchVoxelFlowTests(ITestOutputHelper log)
{
    [Fact]
    public void TensorSolverMatchesTheArraySolverOnARock()
    {
        var rock = GaussianBlobs.Generate(20, 0.35, 2.5, 9, 1e-6);
        // The same algorithm step for step: compare after a fixed number of steps, converged or not.
        var o = new VoxelFlowOptions(Tolerance: 1e-12, MaxSteps: 600);
        foreach (var axis in new[] { FlowAxis.Z, FlowAxis.X })
        {
            var domain = FlowDomain.ForSample(rock, axis);
            var arrays = new LatticeBoltzmann().Solve(domain, o);
            var tensors = new TorchLatticeBoltzmann(torch.CPU).Solve(domain, o);
            log.WriteLine($"{axis}: arrays k = {arrays.PermeabilityVoxel2:G7} ({arrays.Steps} steps, {arrays.Mlups:F1} MLUPS), " +
                          $"tensors k = {tensors.PermeabilityVoxel2:G7} ({tensors.Steps} steps, {tensors.Mlups:F1} MLUPS)");
            Assert.Equal(600, arrays.Steps);
            Assert.Equal(600, tensors.Steps);
            Assert.True(arrays.PermeabilityVoxel2 > 0);
            Assert.InRange(tensors.PermeabilityVoxel2 / arrays.PermeabilityVoxel2, 0.9999, 1.0001);
            log.WriteLine($"  hydraulic tortuosity: arrays {arrays.HydraulicTortuosity:G7}, tensors {tensors.HydraulicTortuosity:G7}");
            Assert.InRange(tensors.HydraulicTortuosity / arrays.HydraulicTortuosity, 0.999, 1.001);
        }
    }
}
