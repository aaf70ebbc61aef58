using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary>
/// <c>porous campaign targets</c>: draws accuracy-campaign targets inside what a generator can
/// reach. It samples cubes from the model, runs the forward model on each, takes the 10th–90th
/// percentile of every requested property, and draws targets uniformly inside that band with a
/// tolerance that is a fixed fraction of the band (the paper's tolerances are 6–8 % of their ranges).
/// </summary>
public static class CampaignTargetsCommand
{
    public static readonly string[] DefaultProperties = ["porosity", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"];

    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file", Required = true };
        var props = new Option<string[]>("--property") { Description = $"Property to condition (repeat; default {string.Join(", ", DefaultProperties)})", AllowMultipleArgumentsPerToken = true };
        var count = new Option<int>("--count") { Description = "Targets per property", DefaultValueFactory = _ => 100 };
        var sample = new Option<int>("--sample") { Description = "Generated cubes used to find the model's 10th–90th percentile band", DefaultValueFactory = _ => 100 };
        var fraction = new Option<double>("--tolerance-fraction") { Description = "Tolerance as a fraction of the 10th–90th percentile band", DefaultValueFactory = _ => 0.05 };
        var seed = new Option<int>("--seed") { Description = "Seed for the sampled cubes, the targets and the chains' seeds", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Targets CSV to write (id,target,seed); a .range.json beside it records the band", Required = true };
        var device = DeviceOptions.Create();
        var cmd = new Command("targets",
            "Draw targets for an accuracy campaign inside the model's reachable range: sample cubes, run the forward model, " +
            "take the 10th–90th percentile of each property and draw targets uniformly in it") { model, props, count, sample, fraction, seed, output, device };
        cmd.SetAction(p => io.Guard(() =>
        {
            var properties = p.GetValue(props) is { Length: > 0 } given ? given : DefaultProperties;
            int n = p.GetValue(count), nSample = p.GetValue(sample);
            double frac = p.GetValue(fraction);
            if (n < 1) throw new BadInputException($"--count must be at least 1, got {n}");
            if (nSample < 10) throw new BadInputException($"--sample must be at least 10 cubes to estimate percentiles, got {nSample}");
            if (!(frac > 0 && frac < 0.5)) throw new BadInputException($"--tolerance-fraction must be in (0, 0.5), got {frac}");
            foreach (var prop in properties) new Target(prop, 0.5, 1).Validate();

            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)));
            var rng = new Random(p.GetValue(seed));
            // every property's needs at once: one forward run per cube gives all of them
            var needs = TargetSet.Parse([string.Join(';', properties.Select(x => x + "=0.5:1"))]).Needs;
            var sampled = PropertyBands.Sample(latents => m.Generate(latents), m.Latent, rng, nSample, needs, new PnmForwardModel(), done => io.Err.WriteLine($"sampled {done}/{nSample} cubes"));

            var rows = new List<IReadOnlyList<string>>();
            var bands = new Dictionary<string, object>();
            long chainSeed = 0;
            foreach (var prop in properties)
            {
                var band = PropertyBands.Of(prop, sampled);
                double tol = band.Tolerance(frac);
                bands[prop] = new { p10 = band.P10, p90 = band.P90, tolerance = tol, usableCubes = band.UsableCubes, sampledCubes = band.SampledCubes };
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{prop,-22} 10th–90th percentile {band.P10:G4} – {band.P90:G4} {Reports.CampaignReport.Units(prop)}  tolerance ±{tol:G3}  ({band.UsableCubes}/{band.SampledCubes} cubes usable)"));
                foreach (var (id, target, s) in PropertyBands.DrawUniform(band, n, frac, rng, () => ++chainSeed))
                    rows.Add([id, target, s.ToString(CultureInfo.InvariantCulture)]);
            }
            string outPath = p.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            CsvTable.Write(outPath, ["id", "target", "seed"], rows);
            File.WriteAllText(Path.ChangeExtension(outPath, ".range.json"), JsonSerializer.Serialize(new
            {
                model = Path.GetFileName(p.GetValue(model)), modelSha256 = m.Sha256, sampledCubes = nSample, seed = p.GetValue(seed),
                toleranceFraction = frac, bands,
            }, new JsonSerializerOptions { WriteIndented = true }));
            io.Out.WriteLine($"{rows.Count} targets written to {outPath}");
            return 0;
        }));
        return cmd;
    }
}
