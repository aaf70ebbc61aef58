using System.CommandLine;
using PorousActors.Actors;
using PorousActors.Conditioning;
using PorousActors.Conditioning.Benchmark;
using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Gan;
using PorousActors.Pnm;
using PorousActors.Pnm.Flow;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous bench conditioning</c>: success rate and cost of conditioning on real-rock targets, against random sampling.</summary>
public static class BenchConditioningCommand
{
    static readonly string[] Properties = ["porosity", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"];

    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file", Required = true };
        var data = new Option<string>("--data") { Description = "The real rock the targets come from (any format analyze reads)", Required = true };
        var poreValue = new Option<double?>("--pore-value") { Description = "Pore value of the real image (Berea: 0)" };
        var voxel = VolumeInputOptions.VoxelSizeOption();
        var realCubes = new Option<int>("--real-cubes") { Description = "Real sub-cubes sampled to find each property's 10–90 % band", DefaultValueFactory = _ => 150 };
        var perGroup = new Option<int>("--targets") { Description = "Targets per property and per joint pair", DefaultValueFactory = _ => 12 };
        var budget = new Option<int>("--budget") { Description = "Forward evaluations a chain may spend", DefaultValueFactory = _ => 100 };
        var methods = new Option<string[]>("--method") { Description = "Policies to compare (repeat): golden, sphere, adaptive, paper, random, surrogate and surrogate-random (need --surrogate); add +prior (golden+prior) to run one within z given the targets (--prior)", AllowMultipleArgumentsPerToken = true };
        var prior = new Option<string?>("--prior") { Description = "Latent prior file (`porous model prior`) for the +prior methods" };
        var surrogate = new Option<string?>("--surrogate") { Description = "Latent surrogate file (`porous model surrogate`) for the surrogate method" };
        var groups = new Option<string>("--groups") { Description = "Which targets: all, single (one property) or joint", DefaultValueFactory = _ => "all" };
        var seed = new Option<int>("--seed") { Description = "Seed for the real cubes, joint-target picks and chains", DefaultValueFactory = _ => 7 };
        var output = new Option<string>("--out") { Description = "Report folder", DefaultValueFactory = _ => "bench-conditioning" };
        var device = DeviceOptions.Create();
        var cmd = new Command("conditioning",
            "Conditioning benchmark: targets from the real rock's 10–90 % band (single properties and joint φ+k, k+throat), the paper's relative " +
            "tolerances, every policy on the same targets and seeds with the same budget, random sampling as the baseline; success rate, " +
            "evaluations to success, realism of unconstrained properties, |z|² against χ², coverage")
            { model, data, poreValue, voxel, realCubes, perGroup, budget, methods, prior, surrogate, groups, seed, output, device };
        cmd.SetAction(p => io.Guard(() =>
        {
            var ms = p.GetValue(methods) is { Length: > 0 } given ? given : ["golden", "paper", "random"];
            foreach (var method in ms) ConditioningBenchmark.ParseMethod(method);
            var latentPrior = p.GetValue(prior) is { } priorPath ? LatentPrior.Load(priorPath) : null;
            if (latentPrior is null && ms.Any(x => ConditioningBenchmark.ParseMethod(x).UsesPrior))
                throw new BadInputException("the +prior methods need --prior FILE (fit one with `porous model prior`)");
            var latentSurrogate = p.GetValue(surrogate) is { } surrogatePath ? LatentSurrogate.Load(surrogatePath) : null;
            if (latentSurrogate is null && ms.Any(ConditioningBenchmark.UsesSurrogate))
                throw new BadInputException("the surrogate methods need --surrogate FILE (fit one with `porous model surrogate`)");
            int nReal = p.GetValue(realCubes), n = p.GetValue(perGroup), b = p.GetValue(budget);
            if (nReal < 20 || n < 1 || b < 1) throw new BadInputException("--real-cubes must be at least 20, --targets and --budget at least 1");
            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)));
            if (latentPrior is not null && latentPrior.ModelSha256 != (m.Sha256 ?? ""))
                throw new BadInputException($"{p.GetValue(prior)} was fitted for another model (sha256 {latentPrior.ModelSha256}, this one {m.Sha256})");
            if (latentSurrogate is not null && latentSurrogate.ModelSha256 != (m.Sha256 ?? ""))
                throw new BadInputException($"{p.GetValue(surrogate)} was fitted for another model (sha256 {latentSurrogate.ModelSha256}, this one {m.Sha256})");
            var rock = VolumeInputOptions.ReadRockLike(m, p.GetValue(data)!, p.GetValue(voxel), p.GetValue(poreValue));
            var forward = new PnmForwardModel();
            var needs = new PropertyNeeds(true, [FlowAxis.Z]);
            var set = new TrainingData([rock], m.Size, Math.Max(1, m.Size / 4));
            var rng = new Random(p.GetValue(seed));
            io.Err.WriteLine($"analysing {nReal} real {m.Size}³ sub-cubes");
            var real = Enumerable.Range(0, nReal).Select(_ => forward.Evaluate(set.Cube(rng.Next(set.Count)), needs)).ToList();
            io.Err.WriteLine($"analysing {nReal} generated cubes (coverage)");
            var generated = PropertyBands.Sample(latents => m.Generate(latents), m.Latent, rng, nReal, needs, new PnmForwardModel());
            string which = p.GetValue(groups)!.ToLowerInvariant();
            if (which is not ("all" or "single" or "joint")) throw new BadInputException($"--groups must be all, single or joint, got '{which}'");
            var targets = ConditioningBenchmark.Targets(real, which == "joint" ? [] : Properties,
                which == "single" ? [] : [["porosity", "permeability_mD"], ["permeability_mD", "meanThroatDiameter_m"]], n, p.GetValue(seed), out var bands);
            io.Err.WriteLine($"{targets.Count} targets × {ms.Length} methods, budget {b}");
            var chains = ConditioningBenchmark.Run(targets, ms, b, new GanGenerator(m), forward, needs,
                (c, k, total) => io.Err.WriteLine($"[{k}/{total}] {c.Method,-7} {c.Id,-8} {(c.Succeeded ? "reached" : "missed ")} after {c.Evaluations,3} evaluations, {c.Seconds:F1} s"), latentPrior, latentSurrogate);
            string md = Reports.ConditioningBenchmarkReport.Write(p.GetValue(output)!,
                $"Conditioning benchmark: {Path.GetFileName(p.GetValue(model))} ({m.Size}³, {m.Card.Iterations} iterations) on targets from {Path.GetFileName(p.GetValue(data))}",
                chains, b, real, generated, bands, Properties, new Dictionary<string, object?>
                {
                    ["model"] = Path.GetFileName(p.GetValue(model)), ["modelSha256"] = m.Sha256, ["data"] = Path.GetFileName(p.GetValue(data)),
                    ["realCubes"] = nReal, ["targetsPerGroup"] = n, ["seed"] = p.GetValue(seed), ["methods"] = ms,
                    ["latentPrior"] = latentPrior is null ? null : new Dictionary<string, object?>
                    {
                        ["file"] = Path.GetFileName(p.GetValue(prior)), ["draws"] = latentPrior.Samples, ["properties"] = latentPrior.Properties,
                        ["heldOutR2"] = latentPrior.HeldOutR2,
                    },
                    ["latentSurrogate"] = latentSurrogate is null ? null : new Dictionary<string, object?>
                    {
                        ["file"] = Path.GetFileName(p.GetValue(surrogate)), ["draws"] = latentSurrogate.Samples, ["properties"] = latentSurrogate.Properties,
                        ["heldOutR2"] = latentSurrogate.Maps.Select(x => x.HeldOutR2).ToArray(),
                        ["lengthScales"] = latentSurrogate.Maps.Select(x => x.LengthScale).ToArray(),
                    },
                });
            io.Out.WriteLine($"wrote {md}");
            return 0;
        }));
        return cmd;
    }
}
