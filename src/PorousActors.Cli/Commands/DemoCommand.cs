using System.CommandLine;
using System.Globalization;
using Akka.Configuration;
using PorousActors.Actors;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous demo</c>: the README's first command, on embedded defaults: a small
/// conditioning campaign on the shipped generator, local actor system, SQLite journal.</summary>
public static class DemoCommand
{
    public const string ShippedModel = "models/berea64.model";

    public static Command Build(CliIO io)
    {
        var output = new Option<string>("--out") { Description = "Output folder (journal, results, cubes)", DefaultValueFactory = _ => "demo" };
        var model = new Option<string?>("--model") { Description = $"Generator model (default: the shipped {ShippedModel})" };
        var cmd = new Command("demo",
            "Run a demo campaign on the shipped Berea generator: sample a few cubes to find the range it produces, pick porosity " +
            "and permeability targets inside it, and condition one chain per target on the local actor system with a SQLite journal " +
            "(run it again and it resumes or reports the finished campaign)") { output, model };
        cmd.SetAction(p => io.Guard(() =>
        {
            string dir = p.GetValue(output)!;
            string modelPath = p.GetValue(model) ?? FindShipped() ?? throw new BadInputException($"shipped model {ShippedModel} not found; run from the repository or give --model");
            using var m = GeneratorModel.Load(modelPath);
            Directory.CreateDirectory(dir);

            // 1. what does this generator produce? 10 cubes from fixed seeds, full forward model
            io.Err.WriteLine($"sampling 10 cubes from {modelPath} ({m.Size}³ at {Fmt.G(m.Card.VoxelSize)} m, trained {m.Card.Iterations} iterations)...");
            var rng = new Random(2024);
            var needs = TargetSet.Parse(["porosity=0.2:0.01;permeability_mD=100:10"]).Needs;
            var samples = PropertyBands.Sample(latents => m.Generate(latents), m.Latent, rng, 10, needs, new PnmForwardModel());
            var phi = samples.Select(s => s.Porosity).ToList();
            var k = samples.Select(s => s.Get("permeability_mD")).Where(x => double.IsFinite(x) && x > 0).ToList();
            foreach (var s in samples) io.Err.WriteLine($"  porosity {s.Porosity:F3}  permeability {s.Get("permeability_mD"):F0} mD");

            // 2. targets inside that range (porosity ±0.004, permeability ±5 %: tighter than the paper, so the chains have work to do)
            var targets = new List<ChainSpec>();
            foreach (var (q, i) in new[] { (0.25, 1), (0.5, 2), (0.75, 3) })
                targets.Add(new ChainSpec($"phi{i}", $"porosity={R(Reports.Statistics.Quantile(phi, q), 3)}:0.004", i));
            if (k.Count < 2) io.Err.WriteLine("fewer than 2 sampled cubes percolate along z: no permeability targets this time");
            else
                foreach (var (q, i) in new[] { (0.3, 4), (0.7, 5) })
                {
                    double kt = R(Reports.Statistics.Quantile(k, q), 0);
                    targets.Add(new ChainSpec($"k{i}", $"permeability_mD={kt}:{R(Math.Max(1, 0.05 * kt), 0)}", i));
                }
            Core.IO.CsvTable.Write(Path.Combine(dir, "targets.csv"), ["id", "target", "seed"], targets.Select(t => new[] { t.Id, t.Targets, t.Seed.ToString(CultureInfo.InvariantCulture) }));

            // 3. the campaign
            var def = new CampaignDefinition("demo", Path.GetFullPath(modelPath), m.Sha256!, "golden", 48, 2, targets);
            def.Validate();
            var journal = JournalLocation.Parse("sqlite:" + Path.Combine(dir, "demo.db"), "demo");
            journal.CheckOwnership("demo", mustExist: false);
            int code = CampaignCommand.Drive(io, "demo", dir, journal, CampaignCommand.GeneratorsFor(m, modelPath, null, Config.Empty), Config.Empty, new StartCampaign(def));
            if (code == 0)
            {
                io.Out.WriteLine($"target vs achieved ({Path.Combine(dir, "results.csv")}):");
                var results = Core.IO.CsvTable.Read(Path.Combine(dir, "results.csv"));
                string Cell(string[] row, string column) => row[results.Column(column)];
                foreach (var (_, c) in results.Rows)
                    io.Out.WriteLine($"  {Cell(c, "id"),-5} {Cell(c, "property"),-16} target {Cell(c, "target"),-10} ± {Cell(c, "tolerance"),-6} achieved {double.Parse(Cell(c, "achieved"), CultureInfo.InvariantCulture),-10:G4} {Cell(c, "status"),-11} {Cell(c, "evaluations")} evaluations");
            }
            return code;
        }));
        return cmd;
    }

    static double R(double x, int digits) => Math.Round(x, digits);

    /// <summary>The shipped model, looked up from the working folder and the program's folder upwards.</summary>
    internal static string? FindShipped()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var p = Path.Combine(d.FullName, ShippedModel);
                if (File.Exists(p)) return p;
            }
        return null;
    }
}
