using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PorousActors.Conditioning;
using PorousActors.Core;
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
            var sampled = SampleProperties(m, rng, nSample, needs, done => io.Err.WriteLine($"sampled {done}/{nSample} cubes"));
            var values = properties.ToDictionary(x => x, x => sampled.Select(r => r.Get(x)).ToList());

            var lines = new List<string> { "id,target,seed" };
            var bands = new Dictionary<string, object>();
            int chainSeed = 0;
            foreach (var prop in properties)
            {
                var v = values[prop];
                // a cube that does not percolate has no permeability (NaN, or 0 mD): outside what a chain can aim at
                var usable = v.Where(x => double.IsFinite(x) && !(prop.StartsWith("permeability") && x <= 0)).ToList();
                if (usable.Count < 10)
                    throw new BadInputException($"{prop}: only {usable.Count} of {v.Count} sampled cubes have a finite value; the model cannot be conditioned on it");
                double lo = Reports.Statistics.Quantile(usable, 0.10), hi = Reports.Statistics.Quantile(usable, 0.90);
                double tol = frac * (hi - lo);
                if (!(tol > 0)) throw new BadInputException($"{prop}: the model's 10th–90th percentile band is empty ({lo:G4}–{hi:G4})");
                bands[prop] = new { p10 = lo, p90 = hi, tolerance = tol, usableCubes = usable.Count, sampledCubes = v.Count };
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{prop,-22} 10th–90th percentile {lo:G4} – {hi:G4} {Reports.CampaignReport.Units(prop)}  tolerance ±{tol:G3}  ({usable.Count}/{v.Count} cubes usable)"));
                string shortName = Pnm.RockPropertyCatalog.Find(prop)?.ShortName ?? prop;
                for (int i = 0; i < n; i++)
                {
                    double t = lo + rng.NextDouble() * (hi - lo);
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{shortName}{i + 1:D3},{prop}={t:G6}:{tol:G4},{++chainSeed}"));
                }
            }
            string outPath = p.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            File.WriteAllLines(outPath, lines);
            File.WriteAllText(Path.ChangeExtension(outPath, ".range.json"), JsonSerializer.Serialize(new
            {
                model = Path.GetFileName(p.GetValue(model)), modelSha256 = m.Sha256, sampledCubes = nSample, seed = p.GetValue(seed),
                toleranceFraction = frac, bands,
            }, new JsonSerializerOptions { WriteIndented = true }));
            io.Out.WriteLine($"{lines.Count - 1} targets written to {outPath}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>Rock properties of <paramref name="count"/> cubes generated from N(0, I) latents drawn
    /// from <paramref name="rng"/>, in batches of 10 (progress after each).</summary>
    internal static List<Pnm.RockProperties> SampleProperties(GeneratorModel m, Random rng, int count, PropertyNeeds needs, Action<int>? progress = null)
    {
        var forward = new PnmForwardModel();
        var result = new List<Pnm.RockProperties>(count);
        while (result.Count < count)
        {
            int b = Math.Min(10, count - result.Count);
            result.AddRange(m.Generate(Enumerable.Range(0, b).Select(_ => StandardNormal.Vector(rng, m.Latent)).ToList()).Select(v => forward.Evaluate(v, needs)));
            progress?.Invoke(result.Count);
        }
        return result;
    }
}
