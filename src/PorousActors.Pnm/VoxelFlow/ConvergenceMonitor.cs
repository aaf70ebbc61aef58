namespace PorousActors.Pnm.VoxelFlow;

/// <summary>
/// Watches k, measured every <see cref="VoxelFlowOptions.CheckEvery"/> steps, for every solver
/// alike: converged after two intervals in a row whose relative change is below the tolerance,
/// diverged when k stops being a number; reports progress and builds the result.
/// </summary>
public sealed class ConvergenceMonitor(VoxelFlowOptions options, IProgress<VoxelFlowProgress>? progress)
{
    double previous = double.NaN;
    int quiet;

    public double Permeability { get; private set; }
    public double Change { get; private set; } = double.PositiveInfinity;
    public bool Converged => quiet >= 2;
    public bool Diverged => !double.IsFinite(Permeability);

    /// <summary>Records k after <paramref name="step"/> steps; true when the solve should stop.</summary>
    public bool Record(int step, double k)
    {
        Permeability = k;
        Change = k == 0 && previous == 0 ? 0
            : double.IsNaN(previous) ? double.PositiveInfinity
            : Math.Abs(k - previous) / Math.Max(Math.Abs(k), 1e-300);
        progress?.Report(new VoxelFlowProgress(step, k, Change));
        quiet = Change < options.Tolerance ? quiet + 1 : 0;
        previous = k;
        return Converged || Diverged;
    }

    public VoxelFlowResult Result(int steps, long nodes, double seconds, string solver, double hydraulicTortuosity) =>
        Diverged
            ? new VoxelFlowResult(double.NaN, steps, false, Change, nodes, seconds, solver, "the solve diverged")
            : new VoxelFlowResult(Math.Max(0, Permeability), steps, Converged, Change, nodes, seconds, solver,
                Converged ? null : $"not converged after {steps} steps (last relative change {Change:G2} per {options.CheckEvery} steps)")
            { HydraulicTortuosity = hydraulicTortuosity };
}
