using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using PorousActors.Core;
using PorousActors.Gan;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.VoxelFlow;

namespace PorousActors.Cli.Commands;

/// <summary>Runs the voxel-level Stokes solve along each axis for <c>analyze --flow voxel</c>,
/// with a progress line on stderr every few seconds, and adds its results to the output.</summary>
public static class VoxelFlowRunner
{
    public static void Run(CliIO io, Volume v, IReadOnlyList<FlowAxis> axes, IVoxelFlowSolver solver, VoxelFlowOptions options,
        JsonObject result, JsonObject timings)
    {
        var details = new JsonObject();
        foreach (var axis in axes)
        {
            string a = axis.ToString().ToLowerInvariant();
            var sw = Stopwatch.StartNew();
            var last = Stopwatch.StartNew();
            var progress = new Progress(p =>
            {
                if (last.Elapsed.TotalSeconds < 5) return;
                last.Restart();
                double mD = p.Permeability * v.VoxelSize * v.VoxelSize / PermeabilityResult.M2PerMilliDarcy;
                io.Err.WriteLine($"voxel flow along {a}: step {p.Step}, k = {Fmt.G(mD)} mD, change {p.RelativeChange:G2} per {options.CheckEvery} steps (stops below {options.Tolerance:G2}), {sw.Elapsed.TotalSeconds:F0} s");
            });
            var r = VoxelPermeability.Compute(v, axis, solver, options, progress);
            timings[$"voxelFlow_{a}"] = sw.Elapsed.TotalMilliseconds;
            result[$"voxelPermeability_mD_{a}"] = r.PermeabilityMilliDarcy;
            result[$"voxelPermeability_m2_{a}"] = r.PermeabilityM2;
            var d = new JsonObject
            {
                ["solver"] = r.Solve.Solver,
                ["steps"] = r.Solve.Steps,
                ["converged"] = r.Solve.Converged,
                ["relativeChangePer100Steps"] = r.Solve.LastRelativeChange,
                ["fluidNodes"] = r.Solve.FluidNodes,
                ["seconds"] = r.Solve.Seconds,
                ["mlups"] = r.Solve.Mlups,
                ["hydraulicTortuosity"] = double.IsFinite(r.Solve.HydraulicTortuosity) ? r.Solve.HydraulicTortuosity : null,
            };
            if (r.Solve.Note is not null) d["note"] = r.Solve.Note;
            details[a] = d;
            if (!r.Solve.Converged) io.Err.WriteLine($"warning: voxel flow along {a}: {r.Solve.Note}");
        }
        result["voxelFlow"] = details;
        result["voxelFlowModel"] = "lattice Boltzmann D3Q19, TRT (Λ = 3/16), half-way bounce-back; sample mirrored along the flow, free-slip sides; k = μ⟨u⟩/(ΔP/L)";
    }

    /// <summary>--voxel-solver, --flow-tolerance and --device, shared by every command that runs the solve.</summary>
    public sealed class Options
    {
        public Option<string> Solver { get; } = new("--voxel-solver") { Description = "Voxel-level solve on 'arrays' (plain arrays on the CPU cores) or 'torch' (tensors on --device; the GPU path)", DefaultValueFactory = _ => "arrays" };
        public Option<double> Tolerance { get; } = new("--flow-tolerance") { Description = "Voxel-level solve: stop when k changes by less than this fraction per 100 steps, twice in a row", DefaultValueFactory = _ => 1e-5 };
        public Option<string?> Device { get; } = DeviceOptions.Create();

        public void AddTo(Command c) { c.Options.Add(Solver); c.Options.Add(Tolerance); c.Options.Add(Device); }

        public IVoxelFlowSolver CreateSolver(ParseResult p) => p.GetValue(Solver)!.Trim().ToLowerInvariant() switch
        {
            "arrays" => new LatticeBoltzmann(),
            "torch" => new TorchLatticeBoltzmann(Devices.One(p.GetValue(Device))),
            var other => throw new BadInputException($"--voxel-solver must be 'arrays' or 'torch', got '{other}'"),
        };

        public VoxelFlowOptions Settings(ParseResult p)
        {
            double tolerance = p.GetValue(Tolerance);
            if (!(tolerance > 0 && tolerance < 1)) throw new BadInputException($"--flow-tolerance must be between 0 and 1, got {tolerance}");
            return new VoxelFlowOptions(Tolerance: tolerance);
        }
    }

    sealed class Progress(Action<VoxelFlowProgress> report) : IProgress<VoxelFlowProgress>
    {
        public void Report(VoxelFlowProgress value) => report(value);
    }
}
