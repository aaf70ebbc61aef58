using PorousActors.Core;
using PorousActors.Pnm.Flow;

namespace PorousActors.Pnm.VoxelFlow;

/// <summary>
/// Absolute permeability of a segmented image from a voxel-level Stokes solve, in the units and
/// axis convention of the network model: k = μ L Q / (A ΔP) along one image axis, in m² and mD.
/// </summary>
public static class VoxelPermeability
{
    public sealed record Result(FlowAxis Axis, double PermeabilityM2, VoxelFlowResult Solve)
    {
        public double PermeabilityMilliDarcy => PermeabilityM2 / PermeabilityResult.M2PerMilliDarcy;
    }

    /// <summary>The sample alone along <paramref name="axis"/> (see <see cref="FlowDomain.ForSample"/>).</summary>
    public static Result Compute(Volume v, FlowAxis axis, IVoxelFlowSolver? solver = null, VoxelFlowOptions? options = null,
        IProgress<VoxelFlowProgress>? progress = null, CancellationToken ct = default)
    {
        var domain = FlowDomain.ForSample(v, axis);
        var r = (solver ?? new LatticeBoltzmann()).Solve(domain, options ?? new VoxelFlowOptions(), progress, ct);
        return new Result(axis, r.PermeabilityVoxel2 * v.VoxelSize * v.VoxelSize, r);
    }
}
