using System.CommandLine;
using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Core.Metrics;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous generate</c>: sample binary cubes from a trained generator.</summary>
public static class GenerateCommand
{
    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file (or training checkpoint)", Required = true };
        var count = new Option<int>("--count") { Description = "Number of cubes", DefaultValueFactory = _ => 4 };
        var seed = new Option<int>("--seed") { Description = "Seed for the N(0, I) latents", DefaultValueFactory = _ => 1 };
        var latent = new Option<string?>("--latent") { Description = "Latents file (one comma-separated latent per line, as written to latents.csv) instead of random ones" };
        var threshold = new Option<float?>("--threshold") { Description = "Fixed threshold on the median-filtered tanh output instead of the model's own (Otsu's, or the fixed one in its card: 0 for a convolutional generator)" };
        var noMedian = new Option<bool>("--no-median") { Description = "Skip the 3³ median filter of the post-processing (threshold only)" };
        var size = new Option<int?>("--size") { Description = "Edge of the volumes in voxels (default: the model's training size; a convolutional generator makes any size up to 512)" };
        var format = CubeFormat.Option();
        var output = new Option<string>("--out") { Description = "Output folder: cube_NNN.raw + .json (or .tif/.npy), latents.csv", Required = true };
        var device = DeviceOptions.Create();
        var cmd = new Command("generate", "Generate binary rock cubes from a trained generator; writes the latents so each cube can be regenerated exactly")
            { model, count, seed, latent, threshold, noMedian, size, format, output, device };
        cmd.SetAction(p => io.Guard(() =>
        {
            string ext = VolumeIO.CubeExtension(p.GetValue(format)!);
            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)), p.GetValue(size));
            // latents are drawn, written and turned into cubes a batch at a time: any --count runs in
            // constant memory, and the draws are the same sequence as drawing them all first
            IEnumerable<float[]> zs;
            if (p.GetValue(latent) is { } lf) zs = Latents.Read(lf, m.Latent);
            else
            {
                int n = p.GetValue(count);
                if (n < 1) throw new BadInputException($"--count must be at least 1, got {n}");
                var rng = new Random(p.GetValue(seed));
                zs = Enumerable.Range(0, n).Select(_ => StandardNormal.Vector(rng, m.Latent));
            }
            string dir = p.GetValue(output)!;
            Directory.CreateDirectory(dir);
            using var latentsFile = new StreamWriter(Path.Combine(dir, "latents.csv"));
            int index = 0;
            int perPass = m.CubesPerPass;
            foreach (var chunk in zs.Chunk(perPass))
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                foreach (var z in chunk) latentsFile.WriteLine(Latents.Format(z));
                latentsFile.Flush();
                var cubes = m.Generate(chunk, p.GetValue(threshold), median: p.GetValue(noMedian) ? false : null);
                for (int i = 0; i < cubes.Length; i++, index++)
                {
                    string path = Path.Combine(dir, $"cube_{index:D3}{ext}");
                    VolumeIO.Write(cubes[i], path);
                    io.Out.WriteLine($"{path}: {m.Size}³ at {Fmt.G(m.Card.VoxelSize)} m, porosity {Porosity.Compute(cubes[i]):F4}" +
                                     (perPass == 1 ? $", generated in {sw.Elapsed.TotalSeconds:F1} s" : ""));
                }
            }
            return 0;
        }));
        return cmd;
    }
}

/// <summary>The cube formats commands can write.</summary>
public static class CubeFormat
{
    public static Option<string> Option() => new("--format") { Description = "Cube file format: raw (+ .json sidecar), tif or npy", DefaultValueFactory = _ => "raw" };
}
