using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using PorousActors.Actors;
using PorousActors.Actors.Campaigns;
using PorousActors.Actors.Chains;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Gan;
using PorousActors.Pnm.Flow;

namespace PorousActors.Cli.Commands;

/// <summary>
/// <c>porous bench throughput</c>: what this machine and model can do. Generator cubes/s per device
/// and batch size; forward-model evaluations/s per core at the model's cube size; a short
/// end-to-end campaign and its efficiency, i.e. measured evaluations/s over what the measured stage
/// costs allow here; and how many simulation cores one generator device keeps busy. Costs are
/// measured as wall time and as process CPU time (core-seconds), so stages that share the same CPU
/// cores are budgeted honestly.
/// </summary>
public static class BenchThroughputCommand
{
    sealed record GeneratorRow(string Device, int Batch, double CubesPerSecond, double CoreSecondsPerCube);

    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file (default: the shipped one)" };
        var device = DeviceOptions.Create();
        var cubes = new Option<int>("--cubes") { Description = "Cubes per measurement", DefaultValueFactory = _ => 16 };
        var chains = new Option<int>("--chains") { Description = "Chains in the end-to-end campaign", DefaultValueFactory = _ => 16 };
        var evals = new Option<int>("--max-evaluations") { Description = "Evaluation budget per campaign chain", DefaultValueFactory = _ => 30 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var cmd = new Command("throughput",
            "Throughput on this machine: generator cubes/s per device and batch size, forward-model evaluations/s per core, a short " +
            "campaign's evaluations/s and its efficiency against the measured stage costs, and how many simulation cores one generator device keeps busy")
            { model, device, cubes, chains, evals, json };
        cmd.SetAction(p => io.Guard(() =>
        {
            string modelPath = p.GetValue(model) ?? DemoCommand.FindShipped() ?? throw new BadInputException("give --model");
            int n = Math.Max(4, p.GetValue(cubes));
            var devices = Devices.Resolve(p.GetValue(device));
            int cores = Environment.ProcessorCount;
            var proc = Process.GetCurrentProcess();
            (double Wall, double Cpu) Measure(Action a)
            {
                proc.Refresh(); var cpu0 = proc.TotalProcessorTime; var sw = Stopwatch.StartNew();
                a();
                proc.Refresh();
                return (sw.Elapsed.TotalSeconds, (proc.TotalProcessorTime - cpu0).TotalSeconds);
            }

            // 1. generator per device and batch size
            var genRows = new List<GeneratorRow>();
            double cpuGenCoreSecondsPerCube = 0, gpuCubesPerSecond = 0;
            var rng = new Random(1);
            List<Volume> sample = [];
            foreach (var d in devices)
            {
                using var m = GeneratorModel.Load(modelPath, d);
                var gen = new GanGenerator(m);
                gen.Generate([StandardNormal.Vector(rng, m.Latent)]); // warm-up
                foreach (int b in new[] { 1, 4, 8 })
                {
                    var batches = Enumerable.Range(0, Math.Max(1, n / b)).Select(_ => Enumerable.Range(0, b).Select(_ => StandardNormal.Vector(rng, m.Latent)).ToList()).ToList();
                    var (wall, cpu) = Measure(() => { foreach (var batch in batches) { var v = gen.Generate(batch); if (sample.Count < n) sample.AddRange(v); } });
                    int made = batches.Count * b;
                    genRows.Add(new GeneratorRow(Devices.Name(d), b, made / wall, cpu / made));
                    io.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"generator {Devices.Name(d)} batch {b}: {made / wall:F1} cubes/s ({cpu / made:F3} core-s per cube)"));
                }
                // the bound uses the cheapest batch size measured (the most the stage allows)
                var mine = genRows.Where(r => r.Device == Devices.Name(d)).ToList();
                if (d.type == TorchSharp.DeviceType.CPU) cpuGenCoreSecondsPerCube = mine.Min(r => r.CoreSecondsPerCube);
                else gpuCubesPerSecond += mine.Max(r => r.CubesPerSecond);
            }

            // 2. forward model (permeability along z: the costliest target) on generated cubes
            var forward = new PnmForwardModel();
            var needs = new PropertyNeeds(true, [FlowAxis.Z]);
            forward.Evaluate(sample[0], needs);
            var sampleProps = new List<Pnm.RockProperties>(sample.Count);
            var (fWall, fCpu) = Measure(() => { foreach (var v in sample) sampleProps.Add(forward.Evaluate(v, needs)); });
            double fwdCoreSeconds = fCpu / sample.Count;
            io.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"forward model: {sample.Count / fWall:F1} evaluations/s on {cores} cores, {fwdCoreSeconds:F3} core-s each ({1 / fwdCoreSeconds:F1} per core-second)"));

            // 3. what the stage costs allow: cores shared by CPU generation and simulation; GPUs add generation capacity
            double coreBound = cores / (fwdCoreSeconds + (gpuCubesPerSecond > 0 ? 0 : cpuGenCoreSecondsPerCube));
            double allowed = gpuCubesPerSecond > 0 ? Math.Min(gpuCubesPerSecond, coreBound) : coreBound;

            // 4. a short campaign on the actor runtime (permeability targets from the sample's own range)
            var ks = sampleProps.Select(r => r.Get("permeability_mD")).Where(k => k > 0).Order().ToList();
            if (ks.Count < 2) throw new BadInputException("too few sampled cubes percolate to set permeability targets; use a trained model");
            int nChains = Math.Max(1, p.GetValue(chains));
            var specs = Enumerable.Range(0, nChains).Select(i => new ChainSpec($"k{i + 1}",
                string.Create(CultureInfo.InvariantCulture, $"permeability_mD={ks[(int)((i + 0.5) / nChains * (ks.Count - 1))]:G4}:1%"), 1000 + i)).ToList();
            string tmp = Directory.CreateTempSubdirectory("porous-bench-").FullName;
            double campaignRate; long campaignEvals; double campaignWall;
            try
            {
                using var m = GeneratorModel.Load(modelPath);
                var gens = CampaignCommand.GeneratorsFor(m, modelPath, p.GetValue(device), Config.Empty);
                var def = new CampaignDefinition("bench", modelPath, m.Sha256!, "golden", p.GetValue(evals), Math.Max(4, 4 * cores), specs);
                var journal = JournalLocation.Parse("sqlite:" + Path.Combine(tmp, "bench.db"), "bench");
                journal.CheckOwnership("bench", mustExist: false);
                var host = new CampaignHost("bench", tmp, journal, gens, new PnmForwardModel());
                try
                {
                    var sw = Stopwatch.StartNew();
                    var done = host.Ask<CampaignDone>(new StartCampaign(def), TimeSpan.FromHours(1));
                    campaignWall = sw.Elapsed.TotalSeconds;
                    campaignEvals = done.Results.Sum(r => r.Evaluations);
                    campaignRate = campaignEvals / campaignWall;
                }
                finally { host.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            }
            finally { Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); Directory.Delete(tmp, true); }
            double efficiency = campaignRate / allowed;
            double coresPerDevice = (gpuCubesPerSecond > 0 ? gpuCubesPerSecond / devices.Count : 1 / Math.Max(1e-9, cpuGenCoreSecondsPerCube / cores)) * fwdCoreSeconds;

            var result = new
            {
                model = Path.GetFileName(modelPath), cores, devices = devices.Select(Devices.Name).ToArray(),
                generator = genRows,
                forward = new { evaluationsPerSecond = sample.Count / fWall, coreSecondsPerEvaluation = fwdCoreSeconds, evaluationsPerCoreSecond = 1 / fwdCoreSeconds },
                campaign = new { chains = nChains, evaluations = campaignEvals, seconds = campaignWall, evaluationsPerSecond = campaignRate, allowedEvaluationsPerSecond = allowed, efficiency },
                simulationCoresPerGeneratorDevice = coresPerDevice,
            };
            if (p.GetValue(json)) io.Out.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
            else
            {
                io.Out.WriteLine($"machine: {cores} cores; devices: {string.Join(", ", result.devices)}; model {result.model}");
                foreach (var r in genRows) io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  generator {r.Device,-7} batch {r.Batch,2}: {r.CubesPerSecond,7:F1} cubes/s  ({r.CoreSecondsPerCube:F3} core-s per cube)"));
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  forward model (k along z): {1 / fwdCoreSeconds:F1} evaluations/s per core ({sample.Count / fWall:F1}/s on {cores} cores)"));
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  campaign: {nChains} chains, {campaignEvals} evaluations in {campaignWall:F1} s = {campaignRate:F1}/s; the stage costs allow {allowed:F1}/s here: efficiency {efficiency:F2}"));
                io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  sizing: one generator device keeps {coresPerDevice:F1} simulation cores busy"));
            }
            return 0;
        }));
        return cmd;
    }
}
