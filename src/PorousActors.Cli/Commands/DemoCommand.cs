using System.CommandLine;
using PorousActors.Core.Generators;
using PorousActors.Core.IO;
using PorousActors.Core.Metrics;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous demo</c>: the README's first command, on embedded defaults.</summary>
public static class DemoCommand
{
    public static Command Build(CliIO io)
    {
        var output = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "demo" };
        var cmd = new Command("demo", "Run the demo: synthesise two 128^3 rocks (grain pack and Gaussian field, 5.345 µm voxels), write them and analyse them") { output };
        cmd.SetAction(p => io.Guard(() =>
        {
            string dir = p.GetValue(output)!;
            Directory.CreateDirectory(dir);
            const double vs = 5.345e-6;
            foreach (var (name, vol) in new[]
            {
                ("spheres", OverlappingSpheres.Generate(128, 0.2, 6, 1, vs, 0.2)),
                ("blobs", GaussianBlobs.Generate(128, 0.2, 3, 1, vs)),
            })
            {
                string path = Path.Combine(dir, name + ".raw");
                VolumeIO.Write(vol, path);
                var m = ImageMetrics.Compute(vol);
                io.Out.WriteLine($"{path}: porosity {m.Porosity:F4}, S/V {Fmt.G(m.SpecificSurfacePerM)} 1/m, " +
                                 $"Euler char. {m.EulerCharacteristic26} (26-conn.) / {m.EulerCharacteristic6} (6-conn.), " +
                                 $"{m.TimingsMs.Values.Sum():F0} ms");
            }
            return 0;
        }));
        return cmd;
    }
}
