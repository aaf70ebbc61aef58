using System.CommandLine;
using PorousActors.Core;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;
using PorousActors.Pnm.VoxelFlow;
using PorousActors.Reports;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous bench voxel-flow</c>: network k against voxel-level k on random sub-cubes of
/// a real rock, with the cost of the voxel solve.</summary>
public static class BenchVoxelFlowCommand
{
    public static Command Build(CliIO io)
    {
        var input = new VolumeInputOptions();
        var size = new Option<int>("--size") { Description = "Sub-cube edge, voxels", DefaultValueFactory = _ => 64 };
        var count = new Option<int>("--count") { Description = "Sub-cubes", DefaultValueFactory = _ => 30 };
        var seed = new Option<int>("--seed") { Description = "Seed for the sub-cube origins", DefaultValueFactory = _ => 3 };
        var output = new Option<string>("--out") { Description = "Report folder", DefaultValueFactory = _ => "bench-voxel-flow" };
        var voxel = new VoxelFlowRunner.Options();
        var cmd = new Command("voxel-flow",
            "Network against voxel-level permeability: random sub-cubes of a rock, k along z from the SNOW network and from the lattice-Boltzmann " +
            "solve of the same image; bias, scatter, log-log PNG, per-cube CSV, and the voxel solve's time per cube (median)")
            { size, count, seed, output };
        input.AddTo(cmd);
        voxel.AddTo(cmd);
        cmd.SetAction(p => io.Guard(() =>
        {
            var v = input.Read(p);
            int n = p.GetValue(size), cubes = p.GetValue(count);
            if (n < 8 || n > Math.Min(v.Nz, Math.Min(v.Ny, v.Nx))) throw new BadInputException($"--size must be between 8 and the volume's smallest edge ({Math.Min(v.Nz, Math.Min(v.Ny, v.Nx))}), got {n}");
            if (cubes < 1) throw new BadInputException($"--count must be at least 1, got {cubes}");
            var options = voxel.Settings(p);
            var solver = voxel.CreateSolver(p);
            var rng = new Random(p.GetValue(seed));
            var network = new PoreNetworkSimulator([FlowAxis.Z]);
            var rows = new List<VoxelFlowReport.Row>();
            for (int i = 0; i < cubes; i++)
            {
                int z0 = rng.Next(v.Nz - n + 1), y0 = rng.Next(v.Ny - n + 1), x0 = rng.Next(v.Nx - n + 1);
                var cube = v.Crop(z0, y0, x0, n, n, n);
                double phi = Core.Metrics.Porosity.Compute(cube);
                double kNet = phi > 0 ? network.Simulate(cube).Along(FlowAxis.Z)!.PermeabilityMilliDarcy : 0;
                var r = VoxelPermeability.Compute(cube, FlowAxis.Z, solver, options);
                rows.Add(new(z0, y0, x0, phi, kNet, r.PermeabilityMilliDarcy, r.Solve.Steps, r.Solve.Converged, r.Solve.Seconds, r.Solve.Mlups, r.Solve.FluidNodes));
                io.Err.WriteLine($"cube {i + 1}/{cubes} at ({z0},{y0},{x0}): φ {phi:F3}, k network {Fmt.G(kNet)} mD, k voxel {Fmt.G(r.PermeabilityMilliDarcy)} mD " +
                                 $"({r.Solve.Steps} steps, {r.Solve.Seconds:F1} s, {r.Solve.Mlups:F1} MLUPS{(r.Solve.Converged ? "" : ", NOT converged")})");
            }
            var report = VoxelFlowReport.Write(p.GetValue(output)!, $"Network against voxel-level permeability, {Path.GetFileName(p.GetValue(input.Path))}", n, v.VoxelSize, rows);
            io.Out.WriteLine($"report: {report}");
            return 0;
        }));
        return cmd;
    }
}
