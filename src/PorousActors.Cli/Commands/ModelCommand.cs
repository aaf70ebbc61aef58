using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using PorousActors.Gan;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous model info</c>: the GAN architecture and its parameter counts.</summary>
public static class ModelCommand
{
    public static Command Build(CliIO io)
    {
        var size = new Option<int>("--size") { Description = "Cube edge in voxels: 32, 64 or 128 (the paper's)", DefaultValueFactory = _ => 128 };
        var latent = new Option<int>("--latent") { Description = "Latent vector length (the paper: 20)", DefaultValueFactory = _ => 20 };
        var critic = new Option<string>("--critic") { Description = "Critic: 'paper' (full-resolution 3³ convolutions + pooling) or 'lean' (strided from the first layer, for CPU training)", DefaultValueFactory = _ => "paper" };
        var generator = new Option<string>("--generator") { Description = "Generator: 'paper' (latent vector → fixed cube) or 'convolutional' (latent grid → any size)", DefaultValueFactory = _ => "paper" };
        var model = new Option<string?>("--model") { Description = "Describe this model file instead (its card and parameter count)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var info = new Command("info", "Print the generator/critic architecture and parameter counts (the paper's 128³: 5,769,889 and 820,841)") { size, latent, critic, generator, model, json };
        info.SetAction(p => io.Guard(() =>
        {
            JsonObject o;
            if (p.GetValue(model) is { } path)
            {
                using var m = GeneratorModel.Load(path);
                o = JsonSerializer.SerializeToNode(m.Card)!.AsObject();
                o["sha256"] = m.Sha256;
                o["generatorParametersCounted"] = ParameterCount.Of(m.Network);
            }
            else
            {
                var arch = new GanArchitecture(p.GetValue(size), p.GetValue(latent), p.GetValue(critic)!, p.GetValue(generator)!);
                arch.Validate();
                using var g = new Generator(arch);
                using var d = new Critic(arch);
                o = new JsonObject
                {
                    ["size"] = arch.Size, ["latent"] = arch.Latent, ["critic"] = arch.Critic, ["generatorKind"] = arch.Generator,
                    ["latentValues"] = arch.LatentLength(arch.Size),
                    ["generatorParameters"] = ParameterCount.Of(g), ["criticParameters"] = ParameterCount.Of(d),
                    ["generator"] = g.ToString(), ["criticLayers"] = new JsonArray(d.named_modules().Where(m => m.name.Contains('.')).Select(m => (JsonNode)$"{m.name}: {m.module.GetType().Name}").ToArray()),
                };
            }
            if (p.GetValue(json)) io.Out.WriteLine(o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            else foreach (var (k, v) in o) if (v is not JsonArray) io.Out.WriteLine($"{k,-28} {v}");
            return 0;
        }));
        return new Command("model", "Generator models: architecture, parameter counts, batch-norm calibration, latent priors") { info, Calibrate(io), PostProcess(io), Prior(io), Surrogate(io), LatentMapCommand(io) };
    }

    static Command Calibrate(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Model file to calibrate", Required = true };
        var output = new Option<string>("--out") { Description = "Calibrated model file to write (may be the input)", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the calibration latents", DefaultValueFactory = _ => 1 };
        var device = DeviceOptions.Create();
        var c = new Command("calibrate",
            "Re-estimate the batch-norm statistics that sampling uses (training keeps only a short running average; " +
            "`porous train` already calibrates the generator.model it writes): for models written before that") { model, output, seed, device };
        c.SetAction(p => io.Guard(() =>
        {
            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)));
            var card = m.Calibrate(p.GetValue(seed));
            string outPath = p.GetValue(output)!;
            SaveWithCard(m, card, outPath);
            io.Out.WriteLine($"{outPath}: {card.BatchNormCalibration}");
            return 0;
        }));
        return c;
    }

    static Command PostProcess(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Model file", Required = true };
        var median = new Option<string>("--median") { Description = "on: the paper's 3³ median filter before the threshold; off: the threshold alone", Required = true };
        var output = new Option<string>("--out") { Description = "Model file to write (may be the input)", Required = true };
        var c = new Command("postprocess", "Set how a model's cubes are post-processed (recorded in its card; every command that samples it follows the card)") { model, median, output };
        c.SetAction(p => io.Guard(() =>
        {
            bool on = p.GetValue(median) switch
            {
                "on" => true, "off" => false,
                var v => throw new Core.BadInputException($"--median must be 'on' or 'off', got '{v}'"),
            };
            using var m = GeneratorModel.Load(p.GetValue(model)!);
            string outPath = p.GetValue(output)!;
            SaveWithCard(m, m.Card with { MedianFilter = on }, outPath);
            io.Out.WriteLine($"{outPath}: median filter {(on ? "on" : "off")}");
            return 0;
        }));
        return c;
    }

    static Command Prior(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file", Required = true };
        var count = new Option<int>("--count") { Description = "Independent latents drawn and evaluated (forward runs spent once for the model)", DefaultValueFactory = _ => 400 };
        var seed = new Option<int>("--seed") { Description = "Seed of the latents (use one no benchmark or campaign uses)", DefaultValueFactory = _ => 101 };
        var output = new Option<string>("--out") { Description = "Latent prior file to write (JSON)", Required = true };
        var draws = new Option<string?>("--draws") { Description = "Also write every draw to this CSV: its latent z1..zN and its properties (φ, k_z in mD, mean pore and throat diameter in m), to audit or refit the map" };
        var device = DeviceOptions.Create();
        var c = new Command("prior",
            "Fit a latent prior: a linear-Gaussian model of the generator's latent → (φ, log k_z, mean pore and throat diameter) map on independent " +
            "draws, with its held-out R²; `condition --prior` and `bench conditioning --method golden+prior` then start and deform chains within " +
            "the latents the model expects to meet the targets") { model, count, seed, output, draws, device };
        c.SetAction(p => io.Guard(() =>
        {
            int n = p.GetValue(count);
            if (n < 1) throw new Core.BadInputException($"--count must be at least 1, got {n}");
            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)));
            string[] names = ["porosity", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"];
            var latents = new List<float[]>(n);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var props = Conditioning.PropertyBands.Sample(batch => m.Generate(batch), m.Latent, new Random(p.GetValue(seed)), n,
                new Conditioning.PropertyNeeds(true, [Pnm.Flow.FlowAxis.Z]), new Conditioning.PnmForwardModel(),
                done => io.Err.WriteLine($"evaluated {done}/{n} draws ({sw.Elapsed.TotalSeconds:F0} s)"), latents);
            if (p.GetValue(draws) is { } csv) WriteDraws(csv, latents, props, names);
            var prior = Conditioning.LatentPrior.Fit(latents, props, names, m.Sha256 ?? "");
            string outPath = p.GetValue(output)!;
            prior.Save(outPath);
            io.Out.WriteLine($"{outPath}: {prior.Samples} of {n} draws usable; held-out R² (5-fold) on each property's scale:");
            for (int i = 0; i < names.Length; i++)
                io.Out.WriteLine($"  {names[i] + (Conditioning.LatentPrior.IsLogScale(names[i]) ? " (log)" : ""),-28} {prior.HeldOutR2[i]:F3}");
            return 0;
        }));
        return c;
    }

    static Command Surrogate(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file the draws came from", Required = true };
        var draws = new Option<string>("--draws") { Description = "Draws CSV written by `porous model prior --draws` for this model", Required = true };
        var output = new Option<string>("--out") { Description = "Latent surrogate file to write (JSON)", Required = true };
        var varying = new Option<bool>("--varying-spread") { Description = "Also model how each property's residual spread varies with its prediction, where that predicts held-out residuals better than one spread (on the shipped model: log k only). Measured: fewer evaluations for single k targets, more for joint k + throat targets, so off by default" };
        var c = new Command("surrogate",
            "Fit a latent surrogate: kernel ridge regression (Gaussian kernel) of φ, log k_z and mean pore and throat diameter on the latent, from the draws " +
            "of `model prior --draws`, with each property's held-out R²; `bench conditioning --method surrogate` then chooses each step's candidate by it")
            { model, draws, output, varying };
        c.SetAction(p => io.Guard(() =>
        {
            using var m = GeneratorModel.Load(p.GetValue(model)!);
            var (latents, props, names) = ReadDraws(p.GetValue(draws)!, m.Latent);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var s = Conditioning.LatentSurrogate.Fit(latents, props, names, m.Sha256 ?? "", varyingSpread: p.GetValue(varying), progress: msg => io.Err.WriteLine($"{msg} ({sw.Elapsed.TotalSeconds:F0} s)"));
            string outPath = p.GetValue(output)!;
            s.Save(outPath);
            io.Out.WriteLine($"{outPath}: {s.Samples} of {latents.Count} draws usable; held-out R² (5-fold) on each property's scale:");
            for (int i = 0; i < names.Length; i++)
                io.Out.WriteLine($"  {names[i] + (Conditioning.LatentPrior.IsLogScale(names[i]) ? " (log)" : ""),-28} {s.Maps[i].HeldOutR2:F3}  (length scale {s.Maps[i].LengthScale}, ridge {s.Maps[i].Ridge})");
            return 0;
        }));
        return c;
    }

    /// <summary>Reads a draws CSV back: latents, and properties carrying the four modelled values.</summary>
    static (List<float[]> Latents, List<Pnm.RockProperties> Props, string[] Names) ReadDraws(string path, int latentSize)
    {
        if (!File.Exists(path)) throw new Core.BadInputException($"draws file not found: {path}");
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        var lines = File.ReadAllLines(path);
        var header = lines.Length > 0 ? lines[0].Split(',') : [];
        string[] names = ["porosity", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"];
        if (header.Length != latentSize + names.Length || !header.Skip(latentSize).SequenceEqual(names))
            throw new Core.BadInputException($"{path}: expected the header z1..z{latentSize},{string.Join(",", names)} of `model prior --draws` for a {latentSize}-value latent");
        var latents = new List<float[]>(); var props = new List<Pnm.RockProperties>();
        for (int r = 1; r < lines.Length; r++)
        {
            var f = lines[r].Split(',');
            if (f.Length != header.Length) throw new Core.BadInputException($"{path}, line {r + 1}: {f.Length} fields, expected {header.Length}");
            var v = new double[f.Length];
            for (int i = 0; i < f.Length; i++)
                if (!double.TryParse(f[i], System.Globalization.NumberStyles.Float, ci, out v[i]))
                    throw new Core.BadInputException($"{path}, line {r + 1}: '{f[i]}' is not a number");
            latents.Add(v.Take(latentSize).Select(x => (float)x).ToArray());
            double k = v[latentSize + 1];
            props.Add(new Pnm.RockProperties
            {
                Porosity = v[latentSize], SpecificSurfacePerM = double.NaN, EulerCharacteristic26 = 0, EulerCharacteristic6 = 0, PoreCount = 0, ThroatCount = 0,
                MeanPoreDiameterM = v[latentSize + 2], MeanPoreEquivalentDiameterM = double.NaN, MeanThroatDiameterM = v[latentSize + 3],
                MeanThroatEquivalentDiameterM = double.NaN, CoordinationNumber = double.NaN,
                Permeability = double.IsFinite(k) ? [new Pnm.Flow.PermeabilityResult(Pnm.Flow.FlowAxis.Z, k * Pnm.Flow.PermeabilityResult.M2PerMilliDarcy, 0, 0, 1, 0, 0, "draws")] : [],
                TimingsMs = new Dictionary<string, double>(),
            });
        }
        return (latents, props, names);
    }

    /// <summary>One row per draw: z1..zN, then each property in SI units (k in mD), invariant culture.</summary>
    static void WriteDraws(string path, IReadOnlyList<float[]> latents, IReadOnlyList<Pnm.RockProperties> props, string[] names)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        using var w = new StreamWriter(path);
        w.WriteLine(string.Join(",", Enumerable.Range(1, latents[0].Length).Select(i => $"z{i}").Concat(names)));
        for (int i = 0; i < latents.Count; i++)
            w.WriteLine(string.Join(",", latents[i].Select(v => v.ToString("R", ci)).Concat(names.Select(n => props[i].Get(n).ToString("R", ci)))));
    }

    static Command LatentMapCommand(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file (its card gives the training cube size and stride)", Required = true };
        var data = new Option<string[]>("--data") { Description = "The training volume(s): the rock whose cubes the map should reproduce", Required = true, AllowMultipleArgumentsPerToken = true };
        var io2 = new VolumeInputOptions();
        var voxel = VolumeInputOptions.VoxelSizeOption();
        var match = new Option<string>("--match")
        {
            Description = "Properties whose training-cube mean the map reproduces, comma-separated: porosity (always; its SD too), specificSurface_per_m, " +
                          "permeability_mD (k along z, on a log scale, percolating cubes), meanPoreDiameter_m, meanThroatDiameter_m",
            DefaultValueFactory = _ => "porosity",
        };
        var count = new Option<int>("--count") { Description = "Generated cubes per round (fit, then each refinement)", DefaultValueFactory = _ => 2000 };
        var rounds = new Option<int>("--refine") { Description = "Refinement rounds: each measures the cubes under the map on fresh draws and corrects offset and scale", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first round's latents (round r uses seed + r); use one no report or benchmark uses", DefaultValueFactory = _ => 303 };
        var output = new Option<string>("--out") { Description = "Model file to write: the same network with the map in its card", Required = true };
        var device = DeviceOptions.Create();
        var c = new Command("latent-map",
            "Fit a latent map: the smallest offset of the latent that gives generated cubes the training cubes' mean of each matched property, and a " +
            "scale along the direction that predicts porosity that gives them the training cubes' porosity SD (all training cubes at the card's stride); " +
            "the network is unchanged, gradual deformation still walks an N(0, I) latent")
            { model, data, io2.PoreValue, voxel, match, count, rounds, seed, output, device };
        c.SetAction(p => io.Guard(() =>
        {
            int n = p.GetValue(count), nr = p.GetValue(rounds), s0 = p.GetValue(seed);
            if (n < 100) throw new Core.BadInputException($"--count must be at least 100, got {n}");
            if (nr < 0 || nr > 10) throw new Core.BadInputException($"--refine must lie in 0..10, got {nr}");
            string[] allowed = ["porosity", "specificSurface_per_m", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"];
            var names = p.GetValue(match)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
            foreach (var nm in names) if (!allowed.Contains(nm)) throw new Core.BadInputException($"--match: '{nm}' is not one of {string.Join(", ", allowed)}");
            names.Remove("porosity"); names.Insert(0, "porosity");
            bool network = names.Any(nm => nm is "permeability_mD" or "meanPoreDiameter_m" or "meanThroatDiameter_m");
            var needs = new Conditioning.PropertyNeeds(network, network ? [Pnm.Flow.FlowAxis.Z] : []);
            var forward = new Conditioning.PnmForwardModel();
            // each property on the scale it is matched on (log k); NaN where a cube has no usable value
            double Value(Pnm.RockProperties r, string nm)
            {
                double v = r.Get(nm);
                if (nm == "permeability_mD") return v > 0 && double.IsFinite(v) ? Math.Log(v) : double.NaN;
                return double.IsFinite(v) ? v : double.NaN;
            }
            static double Mean(IEnumerable<double> v) { var f = v.Where(double.IsFinite).ToList(); return f.Count > 0 ? f.Average() : double.NaN; }

            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)));
            if (m.Card.Architecture.IsConvolutional) throw new Core.BadInputException("a latent map is for the paper generator's single latent vector");
            if (m.Card.LatentMap is not null) throw new Core.BadInputException($"{p.GetValue(model)}: this model already has a latent map; fit from the model without one");
            var volumes = p.GetValue(data)!.Select(f => VolumeInputOptions.ReadRockLike(m, f, p.GetValue(voxel), p.GetValue(io2.PoreValue))).ToList();
            var training = new TrainingData(volumes, m.Size, m.Card.Stride ?? 16);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var real = new double[training.Count][];
            int doneReal = 0;
            Parallel.For(0, training.Count, i =>
            {
                var r = forward.Evaluate(training.Cube(i), needs);
                real[i] = names.Select(nm => Value(r, nm)).ToArray();
                int d = Interlocked.Increment(ref doneReal);
                if (d % 1000 == 0) io.Err.WriteLine($"training cubes: {d}/{training.Count} ({sw.Elapsed.TotalSeconds:F0} s)");
            });
            var target = names.Select((_, k) => Mean(real.Select(r => r[k]))).ToArray();
            var (_, sr) = LatentMapFit.MeanSd(real.Select(r => r[0]).ToList());
            string Describe(double[] v) => string.Join(", ", names.Select((nm, k) => $"{nm}{(nm == "permeability_mD" ? " (mean ln)" : "")} {v[k]:G4}"));
            io.Out.WriteLine($"training cubes: {training.Count} of {m.Size}³ at stride {training.Stride}: means {Describe(target)}; porosity sd {sr:F4}");

            (List<float[]> W, double[][] Y) Draw(GeneratorModel gm, int seedR)
            {
                var rng = new Random(seedR);
                var w = Enumerable.Range(0, n).Select(_ => Core.StandardNormal.Vector(rng, gm.Latent)).ToList();
                var y = new double[n][];
                for (int b = 0; b < n; b += gm.CubesPerPass)
                {
                    var cubes = gm.Generate(w.GetRange(b, Math.Min(gm.CubesPerPass, n - b)));
                    Parallel.For(0, cubes.Length, j => { var r = forward.Evaluate(cubes[j], needs); y[b + j] = names.Select(nm => Value(r, nm)).ToArray(); });
                    if ((b / gm.CubesPerPass) % 50 == 0) io.Err.WriteLine($"seed {seedR}: {b + cubes.Length}/{n} cubes ({sw.Elapsed.TotalSeconds:F0} s)");
                }
                return (w, y);
            }
            var (w0, y0) = Draw(m, s0);
            var slopes = new List<double[]>(); double phiResVar = 0;
            for (int k = 0; k < names.Count; k++)
            {
                var rows = Enumerable.Range(0, n).Where(i => double.IsFinite(y0[i][k])).ToList();
                var (slope, _, resVar) = LatentMapFit.Linear(rows.Select(i => w0[i]).ToList(), rows.Select(i => y0[i][k]).ToList());
                slopes.Add(slope);
                if (k == 0) phiResVar = resVar;
                var (mk, sk) = LatentMapFit.MeanSd(rows.Select(i => y0[i][k]).ToList());
                io.Out.WriteLine($"generated (seed {s0}): {names[k]}: mean {mk:G4}, sd {sk:G4}, |b| {Math.Sqrt(slope.Sum(v => v * v)):G4}, R² {1 - resVar / (sk * sk):F3} ({rows.Count} usable)");
            }
            var gen = names.Select((_, k) => Mean(y0.Select(r => r[k]))).ToArray();
            var (_, sg) = LatentMapFit.MeanSd(y0.Select(r => r[0]).ToList());
            string Fit(int r, double[] measured, double sm) =>
                $"matched the means of {training.Count} training cubes ({m.Size}³, stride {training.Stride}): {Describe(target)}, and porosity sd {sr:F4}; unmapped generator " +
                $"(seed {s0}, {n} cubes): {Describe(gen)}, porosity sd {sg:F4}; " +
                (r == 0 ? "linear solution, not refined" : $"after {r} refinement round(s) (seeds {s0 + 1}..{s0 + r}; last measured {Describe(measured)}, porosity sd {sm:F4})");
            var map = LatentMapFit.Solve(slopes, target.Select((t, k) => t - gen[k]).ToArray(), 0, phiResVar, sr, Fit(0, gen, sg));
            void CheckReach(LatentMap lm)
            {
                if (lm.OffsetLength > 3 || lm.Scale > 3)
                    throw new Core.BadInputException($"the map would need an offset of {lm.OffsetLength:G3} and a scale of {lm.Scale:G3} (limits 3 and 3): this generator is too far from the rock for a latent map; train it further");
            }
            CheckReach(map);
            io.Out.WriteLine($"round 0: |offset| {map.OffsetLength:F4}, scale {map.Scale:F4}, KL from N(0, I) {map.KlFromStandardNormal:F4} nats");
            for (int r = 1; r <= nr; r++)
            {
                var mapped = new GeneratorModel(m.Network, m.Card with { LatentMap = map }, m.Device); // shares m's network: not disposed here
                var (_, yr) = Draw(mapped, s0 + r);
                var measured = names.Select((_, k) => Mean(yr.Select(v => v[k]))).ToArray();
                var (_, sm) = LatentMapFit.MeanSd(yr.Select(v => v[0]).ToList());
                map = LatentMapFit.Refine(map, slopes, target.Select((t, k) => t - measured[k]).ToArray(), phiResVar, sm, sr, Fit(r, measured, sm));
                CheckReach(map);
                io.Out.WriteLine($"round {r}: measured {Describe(measured)}, porosity sd {sm:F4} → |offset| {map.OffsetLength:F4}, scale {map.Scale:F4}, KL {map.KlFromStandardNormal:F4} nats");
            }
            string outPath = p.GetValue(output)!;
            SaveWithCard(m, m.Card with { LatentMap = map }, outPath);
            io.Out.WriteLine($"{outPath}: latent map |offset| {map.OffsetLength:F4}, scale {map.Scale:F4} along the porosity direction");
            return 0;
        }));
        return c;
    }

    /// <summary>Writes <paramref name="m"/>'s network with a new card, replacing the file only once
    /// the whole model is written (the output may be the input).</summary>
    static void SaveWithCard(GeneratorModel m, ModelCard card, string outPath)
    {
        string tmp = outPath + ".tmp";
        new GeneratorModel(m.Network, card).Save(tmp); // same network, new card; m disposes it
        File.Move(tmp, outPath, overwrite: true);
    }
}
