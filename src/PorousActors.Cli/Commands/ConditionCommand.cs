using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PorousActors.Actors;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous condition</c>: one gradual-deformation chain to a target.</summary>
public static class ConditionCommand
{
    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file (e.g. models/berea64.model)", Required = true };
        var target = new Option<string[]>("--target") { Description = "property=value:tolerance, repeatable or joined by ';' (porosity, permeability_mD, permeability_mD_x|y|z, meanPoreDiameter_m, meanThroatDiameter_m, specificSurface_per_m, eulerCharacteristic26)", Required = true, AllowMultipleArgumentsPerToken = true };
        var policy = new Option<string>("--policy") { Description = "Search of the deformation: golden (batched bracket search on the angle t), sphere (two directions per step, searched on the sphere they span with z), adaptive, paper (random t + finite-difference descent) or random (independent samples, the baseline), surrogate (each step's candidate chosen by a latent surrogate, --surrogate) or surrogate-random", DefaultValueFactory = _ => "golden" };
        var maxEval = new Option<int>("--max-evaluations") { Description = "Forward-model evaluations before giving up (the best found is still written)", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "Chain seed: the same seed, targets and model give the same chain", DefaultValueFactory = _ => 1 };
        var format = CubeFormat.Option();
        var size = new Option<int?>("--size") { Description = "Edge of the volume in voxels, for a convolutional generator (default: the model's training size); the forward model runs on the whole volume" };
        var start = new Option<string?>("--latent") { Description = "Start from this latent (first line of a latents file, as `generate` writes) instead of a random one drawn from --seed" };
        var region = new Option<string?>("--region") { Description = "Local deformation (convolutional generator): only the latent cells whose reach lies inside this voxel box z0:z1,y0:y1,x0:x1 move, so the rock outside it stays exactly as the start latent made it; targets still apply to the whole volume" };
        var output = new Option<string>("--out") { Description = "Output folder: cube.raw + .json (or .tif/.npy), latent.csv, properties.json, trace.csv", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var surrogate = new Option<string?>("--surrogate") { Description = "Latent surrogate of this model (`porous model surrogate`) for --policy surrogate or surrogate-random (not with --latent, --region or --prior)" };
        var prior = new Option<string?>("--prior") { Description = "Latent prior of this model (`porous model prior`): start and deform within the latents it expects to meet the targets (not with --latent or --region)" };
        var device = DeviceOptions.Create();
        var cmd = new Command("condition", "Generate a rock cube that matches target properties by gradual Gaussian deformation of the generator's latent vector (Ren & Srinivasan, Algorithm 1)")
            { model, target, policy, maxEval, seed, output, json, device, format, size, start, region, prior, surrogate };
        cmd.SetAction(p => io.Guard(() =>
        {
            var targets = TargetSet.Parse(p.GetValue(target)!);
            // parsed before the model loads, so a bad name fails at once
            bool steered = SearchPolicies.Parse(p.GetValue(policy)!) is SurrogateChoice;
            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)), p.GetValue(size));
            var gen = new GanGenerator(m);
            Func<ISearchPolicy> newPolicy = () => SearchPolicies.Parse(p.GetValue(policy)!);
            ConditionalLatent? conditional = null;
            if (p.GetValue(prior) is { } priorPath)
            {
                if (p.GetValue(start) is not null || p.GetValue(region) is not null)
                    throw new BadInputException("--prior chooses the start latent and deforms the whole latent: it cannot be combined with --latent or --region");
                var lp = LatentPrior.Load(priorPath);
                if (lp.ModelSha256 != (m.Sha256 ?? "")) throw new BadInputException($"{priorPath} was fitted for another model (sha256 {lp.ModelSha256}, this one {m.Sha256})");
                conditional = lp.Condition(targets, m.Latent)
                    ?? throw new BadInputException($"{priorPath} models none of the targets (it models {string.Join(", ", lp.Properties)})");
            }
            LatentSurrogate? steering = null;
            if (steered != (p.GetValue(surrogate) is not null))
                throw new BadInputException(steered ? "the surrogate policies need --surrogate FILE (fit one with `porous model surrogate`)" : "--surrogate steers only --policy surrogate or surrogate-random");
            if (p.GetValue(surrogate) is { } surrogatePath)
            {
                if (p.GetValue(start) is not null || p.GetValue(region) is not null || conditional is not null)
                    throw new BadInputException("--surrogate chooses the start latent and deforms the whole latent: it cannot be combined with --latent, --region or --prior");
                steering = LatentSurrogate.Load(surrogatePath);
                if (steering.ModelSha256 != (m.Sha256 ?? "")) throw new BadInputException($"{surrogatePath} was fitted for another model (sha256 {steering.ModelSha256}, this one {m.Sha256})");
            }
            ConditioningChain chain;
            if (steering is not null)
                chain = new ConditioningChain(p.GetValue(seed), targets, m.Latent, newPolicy, p.GetValue(maxEval)) { Surrogate = steering };
            else if (conditional is not null)
                chain = new ConditioningChain(p.GetValue(seed), targets, m.Latent, newPolicy, p.GetValue(maxEval), conditional);
            else
            {
                var z0 = p.GetValue(start) is { } lf ? Latents.Read(lf, m.Latent)[0] : ConditioningChain.Draw(p.GetValue(seed), 0, m.Latent);
                chain = new ConditioningChain(new ChainState(p.GetValue(seed), 0, z0, double.PositiveInfinity, new Dictionary<string, double>(), 0, 0, ChainStatus.Running),
                    targets, newPolicy, p.GetValue(maxEval))
                {
                    Deformable = p.GetValue(region) is { } box ? Deformable(m, box) : null,
                };
            }
            if (chain.Deformable is { } mask) io.Err.WriteLine($"local deformation: {mask.Count(b => b)} of {mask.Length} latent values may move");
            string dir = p.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var trace = ChainRunner.Run(chain, gen, new PnmForwardModel(), row =>
                io.Err.WriteLine($"step {row.Step,3}  evaluations {row.Evaluations,4}  error {row.Error,10:G4}  " +
                                 string.Join("  ", targets.Targets.Select(t => $"{t.Property} {Fmt.G(row.Properties.GetValueOrDefault(t.Property, double.NaN))} (target {Fmt.G(t.Value)} ± {Fmt.G(t.Tolerance)})")) +
                                 $"  {row.ElapsedSeconds:F1} s"));
            var s = chain.State;
            var cube = gen.Generate([s.Latent])[0];
            string cubePath = Path.Combine(dir, "cube" + VolumeIO.CubeExtension(p.GetValue(format)!));
            VolumeIO.Write(cube, cubePath);
            Latents.Write(Path.Combine(dir, "latent.csv"), [s.Latent]);
            WriteTrace(Path.Combine(dir, "trace.csv"), trace, targets);
            var result = new JsonObject
            {
                ["status"] = s.Status.ToString(),
                ["targets"] = targets.ToString(),
                ["policy"] = p.GetValue(policy),
                ["prior"] = p.GetValue(prior),
                ["surrogate"] = p.GetValue(surrogate),
                ["seed"] = p.GetValue(seed),
                ["steps"] = s.Step,
                ["evaluations"] = s.Evaluations,
                ["forwardRuns"] = s.Evaluations - chain.ScreenedOut, // the rest were screened out by porosity
                ["error"] = double.IsFinite(s.Error) ? s.Error : null,
                ["seconds"] = trace.Count > 0 ? trace[^1].ElapsedSeconds : 0,
                ["properties"] = new JsonObject(s.Properties.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
                // every property of the final cube, k on all three axes: users look at k_x of a k_z-conditioned cube
                ["allProperties"] = AllProperties(cube),
                ["model"] = p.GetValue(model), ["modelSha256"] = m.Sha256, ["size"] = m.Size,
                ["cube"] = cubePath,
            };
            File.WriteAllText(Path.Combine(dir, "properties.json"), result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            if (p.GetValue(json)) io.Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else io.Out.WriteLine($"{s.Status}: {s.Step} steps, {s.Evaluations} evaluations{(chain.ScreenedOut > 0 ? $" ({chain.ScreenedOut} screened out by porosity, no forward run)" : "")}, error {s.Error:G4}; wrote {dir}");
            if (s.Status == ChainStatus.NotReached) io.Err.WriteLine(NotReachedMessage(s, targets, dir));
            return s.Status == ChainStatus.Succeeded ? 0 : 3;
        }));
        return cmd;
    }

    /// <summary>One line for a chain that spent its budget: each target against what the kept cube
    /// achieved, so a target beyond what the model makes reads as such.</summary>
    internal static string NotReachedMessage(ChainState s, TargetSet targets, string dir)
    {
        var misses = targets.Targets.Select(t => s.Properties.TryGetValue(t.Property, out double v)
            ? t.Against(v)
            : $"{t.Property} not measured (target {t.Value:G4})");
        return $"error: target not reached in {s.Evaluations} evaluations: closest cube has {string.Join(", ", misses)} " +
               $"(kept in {dir}); raise --max-evaluations, widen the tolerance, or check the target lies within what this model makes (porous report gan shows its range)";
    }

    /// <summary>The latent entries a voxel box z0:z1,y0:y1,x0:x1 (end exclusive) owns alone.</summary>
    static bool[] Deformable(GeneratorModel m, string box)
    {
        var parts = box.Split(',');
        if (parts.Length != 3) throw new BadInputException($"--region needs three ranges z0:z1,y0:y1,x0:x1, got '{box}'");
        var r = parts.Select(part =>
        {
            var ends = part.Split(':');
            if (ends.Length != 2 || !int.TryParse(ends[0], out int lo) || !int.TryParse(ends[1], out int hi))
                throw new BadInputException($"--region range '{part}' is not start:end in voxels");
            return (lo, hi);
        }).ToArray();
        return m.LatentEntriesInside(r[0], r[1], r[2]);
    }

    static JsonObject AllProperties(Core.Volume cube)
    {
        var r = new PnmForwardModel().Evaluate(cube, new PropertyNeeds(true, [Pnm.Flow.FlowAxis.Z, Pnm.Flow.FlowAxis.Y, Pnm.Flow.FlowAxis.X]));
        var o = new JsonObject();
        foreach (var name in Pnm.RockProperties.Names)
        {
            double v = r.Get(name);
            o[name] = double.IsFinite(v) ? v : null;
        }
        return o;
    }

    static void WriteTrace(string path, IReadOnlyList<TraceRow> trace, TargetSet targets)
    {
        var props = trace.SelectMany(r => r.Properties.Keys).Distinct().ToList();
        Core.IO.CsvTable.Write(path, ["step", "t", "error", .. props, "evaluations", "elapsed_s"],
            trace.Select(r => (IReadOnlyList<string>)[r.Step.ToString(CultureInfo.InvariantCulture), G(r.T), G(r.Error),
                .. props.Select(k => G(r.Properties.GetValueOrDefault(k, double.NaN))), r.Evaluations.ToString(CultureInfo.InvariantCulture), G(r.ElapsedSeconds)]));
        static string G(double x) => x.ToString("G9", CultureInfo.InvariantCulture);
    }
}
