using System.CommandLine;
using PorousActors.Core;
using PorousActors.Core.Generators;
using PorousActors.Core.IO;
using PorousActors.Core.Metrics;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous synth spheres|blobs</c>: synthetic rocks for tests and training.</summary>
public static class SynthCommand
{
    public static Command Build(CliIO io)
    {
        var cmd = new Command("synth", "Generate a synthetic rock: an overlapping-sphere grain pack or a thresholded Gaussian random field");
        cmd.Subcommands.Add(Make(io, "spheres", "Grain pack of overlapping solid spheres (Boolean model), grains added until the porosity reaches the target", isSpheres: true));
        cmd.Subcommands.Add(Make(io, "blobs", "Thresholded Gaussian random field (like PoreSpy's blobs); --radius is the correlation length", isSpheres: false));
        return cmd;
    }

    /// <summary>Largest streamed rock edge (4096³ is 69 GB on disk).</summary>
    public const int MaxStreamedSize = 4096;

    static Command Make(CliIO io, string name, string description, bool isSpheres)
    {
        var size = new Option<int>("--size") { Description = "Edge length in voxels (cube N^3)", Required = true };
        var porosity = new Option<double>("--porosity") { Description = "Target porosity in (0, 1)", DefaultValueFactory = _ => 0.2 };
        var radius = new Option<double>("--radius") { Description = isSpheres ? "Mean grain radius in voxels" : "Correlation length (Gaussian sigma) in voxels", DefaultValueFactory = _ => isSpheres ? 6 : 3 };
        var spread = new Option<double>("--radius-spread") { Description = "Polydisperse grains: standard deviation of ln(radius) (0 = monodisperse)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same rock)", DefaultValueFactory = _ => 1 };
        var voxel = new Option<string>("--voxel-size") { Description = "Voxel edge length: metres or with a unit (5.345um)", DefaultValueFactory = _ => "5.345e-6" };
        var output = new Option<string>("--out") { Description = "Output file: .raw (+ .json sidecar), .npy or .tif", Required = true };
        var streamed = new Option<bool>("--streamed")
        {
            Description = "Write a .raw file slab by slab without holding the image (any size; used by itself above 1024³): the grain count is fixed in advance from the Boolean model's law, so the porosity is the target in expectation and the file's own is printed",
        };
        var cmd = new Command(name, description) { size, porosity, radius, seed, voxel, output };
        if (isSpheres) { cmd.Options.Add(spread); cmd.Options.Add(streamed); }
        cmd.SetAction(p => io.Guard(() =>
        {
            int n = p.GetValue(size);
            int max = isSpheres ? MaxStreamedSize : 1024;
            if (n < 2 || n > max) throw new BadInputException($"--size must be between 2 and {max} voxels, got {n}");
            double vs = Length.Parse(p.GetValue(voxel)!);
            VolumeIO.CheckVoxelSize(vs, "--voxel-size");
            if (isSpheres && (p.GetValue(streamed) || n > 1024))
            {
                string raw = p.GetValue(output)!;
                if (!raw.EndsWith(".raw", StringComparison.OrdinalIgnoreCase))
                    throw new BadInputException($"a streamed rock is written as .raw (+ .json sidecar), got '{raw}'");
                long bytes = (long)n * n * n;
                string? dir = Path.GetDirectoryName(Path.GetFullPath(raw));
                if (dir is not null) Directory.CreateDirectory(dir);
                long free = new DriveInfo(dir ?? "/").AvailableFreeSpace;
                if (bytes > free) throw new BadInputException($"{raw}: {n}³ voxels need {bytes / 1e9:F1} GB, the disk has {free / 1e9:F1} GB free");
                int lastPercent = -1;
                double phi = StreamedSpheres.Write(raw, n, n, n, p.GetValue(porosity), p.GetValue(radius), p.GetValue(seed), vs, p.GetValue(spread),
                    progress: (done, total) =>
                    {
                        int pc = (int)(100L * done / total);
                        if (pc / 10 != lastPercent / 10) { io.Err.WriteLine($"  {done} of {total} planes written"); lastPercent = pc; }
                    });
                io.Out.WriteLine($"wrote {raw}: {n}^3 voxels at {Fmt.G(vs)} m, porosity {phi:F4} (Boolean model, target {p.GetValue(porosity)} in expectation)");
                return 0;
            }
            Volume v = isSpheres
                ? OverlappingSpheres.Generate(n, p.GetValue(porosity), p.GetValue(radius), p.GetValue(seed), vs, p.GetValue(spread))
                : GaussianBlobs.Generate(n, p.GetValue(porosity), p.GetValue(radius), p.GetValue(seed), vs);
            string path = p.GetValue(output)!;
            VolumeIO.Write(v, path);
            io.Out.WriteLine($"wrote {path}: {n}^3 voxels at {Fmt.G(vs)} m, porosity {Porosity.Compute(v):F4}");
            return 0;
        }));
        return cmd;
    }
}
