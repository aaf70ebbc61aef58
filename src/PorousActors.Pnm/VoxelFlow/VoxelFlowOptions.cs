namespace PorousActors.Pnm.VoxelFlow;

/// <summary>
/// Settings of a voxel-level Stokes solve (lattice units: voxel, time step, ρ0 = 1).
/// </summary>
/// <param name="Tolerance">Converged when k changes by less than this fraction over
/// <paramref name="CheckEvery"/> steps (twice in a row, so one quiet interval is not enough).</param>
/// <param name="CheckEvery">Steps between measurements of k.</param>
/// <param name="MaxSteps">Give up (and say so) after this many steps.</param>
/// <param name="TauPlus">Relaxation time of the symmetric moments; sets ν = (τ+ − ½)/3. With the
/// "magic" Λ = 3/16 the steady result does not depend on it, but the number of steps does: on a
/// Berea 64³ cube τ+ = 0.55 took 3,900 steps, 1.0 took 23,100 and 2.5 took 56,400, for k within
/// 0.3 % of each other.</param>
/// <param name="BodyForce">Driving force per unit volume along the flow (creeping flow is linear,
/// so it only sets the scale of the velocities).</param>
public sealed record VoxelFlowOptions(
    double Tolerance = 1e-5,
    int CheckEvery = 100,
    int MaxSteps = 200_000,
    double TauPlus = 0.55,
    double BodyForce = 1e-5)
{
    /// <summary>Λ = (τ+ − ½)(τ− − ½) = 3/16 puts bounce-back walls exactly half-way between nodes
    /// for any viscosity (Ginzburg & d'Humières 2003).</summary>
    public const double Magic = 3.0 / 16.0;
    public double TauMinus => 0.5 + Magic / (TauPlus - 0.5);
    public double Viscosity => (TauPlus - 0.5) / 3.0;
}

/// <summary>Outcome of a voxel-level solve; k in voxel² (multiply by the voxel area for m²).</summary>
public sealed record VoxelFlowResult(
    double PermeabilityVoxel2,
    int Steps,
    bool Converged,
    double LastRelativeChange,
    long FluidNodes,
    double Seconds,
    string Solver,
    string? Note)
{
    /// <summary>Hydraulic tortuosity ⟨|u|⟩ / ⟨u along the flow⟩ of the final velocity field (1 for
    /// straight streamlines; NaN without flow).</summary>
    public double HydraulicTortuosity { get; init; } = double.NaN;

    /// <summary>Lattice updates per second (fluid nodes × steps / s).</summary>
    public double Mlups => Seconds > 0 ? FluidNodes * (double)Steps / Seconds / 1e6 : 0;
}

/// <summary>A voxel-level Stokes solver: plain arrays on the CPU, or tensors on any torch device.</summary>
public interface IVoxelFlowSolver
{
    string Name { get; }
    VoxelFlowResult Solve(FlowDomain domain, VoxelFlowOptions options, IProgress<VoxelFlowProgress>? progress = null, CancellationToken ct = default);
}

public sealed record VoxelFlowProgress(int Step, double Permeability, double RelativeChange);

/// <summary>Darcy's law on a periodic grid, shared by every solver so they measure alike:
/// k = ν ⟨u⟩ / g, with the body force g as the pressure gradient and ⟨u⟩ = Σ u / (n0 n1 n2) the
/// superficial velocity along the flow (solid counted as zero).</summary>
public static class DarcyMeasure
{
    public static double Permeability(FlowDomain d, VoxelFlowOptions o, double totalFlux) =>
        o.Viscosity * totalFlux / ((double)d.N0 * d.N1 * d.N2) / o.BodyForce;
}
