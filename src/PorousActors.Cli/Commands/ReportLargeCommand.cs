using System.CommandLine;
using System.Diagnostics;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Core.Metrics;
using PorousActors.Gan;
using PorousActors.Pnm.Flow;
using PorousActors.Reports;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous report large</c>: a convolutional generator's volumes beyond its training size (#18).</summary>
public static class ReportLargeCommand
{
    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Convolutional generator model file", Required = true };
        var data = new Option<string>("--data") { Description = "The real rock (e.g. the Berea sample), larger than --size", Required = true };
        var poreValue = new Option<double?>("--pore-value") { Description = "Pore value of the rock image (Berea: 0)" };
        var voxel = VolumeInputOptions.VoxelSizeOption();
        var size = new Option<int>("--size") { Description = "Edge of the large generated volumes (voxels)", DefaultValueFactory = _ => 256 };
        var count = new Option<int>("--count") { Description = "Large volumes per set (generated, and real sub-volumes)", DefaultValueFactory = _ => 12 };
        var cubes = new Option<int>("--cubes") { Description = "Training-size cubes and sub-blocks per set (stationarity, and the smallest size of the volume-size table)", DefaultValueFactory = _ => 80 };
        var condition = new Option<int>("--condition") { Description = "Conditioning check: chains that condition a generated 2×-training-size volume on the porosity (± 0.01, the paper's tolerance) and permeability k_z (± 7.5 %) of real sub-volumes of that size", DefaultValueFactory = _ => 3 };
        var budget = new Option<int>("--condition-budget") { Description = "Evaluations per conditioning chain", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed of the latents and of the real sub-volume positions", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Report folder", DefaultValueFactory = _ => "report-large" };
        var device = DeviceOptions.Create();
        var cmd = new Command("large", "Volumes beyond a convolutional generator's training size: S2(r) to lags beyond the training cube against the real rock and the generator's own cubes, slices through whole volumes, stationarity of sub-blocks (KS D), and φ and k spread against volume size (training size, 2×, --size) for real and generated rock; report.md, summary.json, PNGs")
            { model, data, poreValue, voxel, size, count, cubes, condition, budget, seed, output, device };
        cmd.SetAction(p => io.Guard(() =>
        {
            int big = p.GetValue(size), n = p.GetValue(count), nCubes = p.GetValue(cubes);
            if (n < 2 || nCubes < 2) throw new BadInputException("--count and --cubes must be at least 2");
            string modelPath = p.GetValue(model)!;
            var dev = Devices.One(p.GetValue(device));
            using var small = GeneratorModel.Load(modelPath, dev);
            if (!small.Card.Architecture.IsConvolutional) throw new BadInputException($"{modelPath}: a paper generator makes {small.Size}³ cubes only; this report needs a convolutional generator", InputField.Model);
            int t = small.Size;
            if (big < 2 * t) throw new BadInputException($"--size must be at least twice the training size ({2 * t}), got {big}", InputField.Size);
            using var large = GeneratorModel.Load(modelPath, dev, big);
            int mid = 2 * t < big ? 2 * t : 0;
            using var middle = mid > 0 ? GeneratorModel.Load(modelPath, dev, mid) : null;
            var rock = VolumeInputOptions.ReadRockLike(small, p.GetValue(data)!, p.GetValue(voxel), p.GetValue(poreValue));
            if (Math.Min(rock.Nz, Math.Min(rock.Ny, rock.Nx)) < big) throw new BadInputException($"{p.GetValue(data)}: the rock ({rock.Nz}×{rock.Ny}×{rock.Nx}) is smaller than --size {big}", InputField.Size);

            var rng = new Random(p.GetValue(seed));
            var forward = new PnmForwardModel();
            var needs = new PropertyNeeds(true, [FlowAxis.Z]);
            double[] Row(Volume v) { var r = forward.Evaluate(v, needs); return LargeVolumeReport.Properties.Select(r.Get).ToArray(); }
            Volume RealSub(int s) => rock.Crop(rng.Next(rock.Nz - s + 1), rng.Next(rock.Ny - s + 1), rng.Next(rock.Nx - s + 1), s, s, s);
            var sw = Stopwatch.StartNew();
            void Say(string what) => io.Err.WriteLine($"{sw.Elapsed.TotalSeconds,6:F0} s  {what}");

            // large volumes: generated one at a time (each is its own latent grid), real ones cut from the rock
            int maxLag = Math.Min(big / 2, Math.Min(rock.Nz, Math.Min(rock.Ny, rock.Nx)) - 1);
            var largeRows = new List<double[]>(); var realLargeRows = new List<double[]>();
            var subBlocks = new List<(Volume Volume, int Z, int Y, int X)>(); // origins; only the picked ones are cut
            var largeVolumes = new List<Volume>();
            var genSeconds = new List<double>();
            for (int i = 0; i < n; i++)
            {
                var g0 = Stopwatch.StartNew();
                var v = large.Generate([StandardNormal.Vector(rng, large.Latent)])[0];
                genSeconds.Add(g0.Elapsed.TotalSeconds);
                largeVolumes.Add(v);
                largeRows.Add(Row(v));
                realLargeRows.Add(Row(RealSub(big)));
                for (int z = 0; z + t <= big; z += t) for (int y = 0; y + t <= big; y += t) for (int x = 0; x + t <= big; x += t)
                    subBlocks.Add((v, z, y, x));
                Say($"{big}³ volume {i + 1}/{n}: generated in {genSeconds[^1]:F1} s, porosity {largeRows[^1][0]:F3}, k_z {largeRows[^1][3]:F0} mD (real sub-volume: {realLargeRows[^1][0]:F3}, {realLargeRows[^1][3]:F0} mD)");
            }
            var s2Large = Statistics.MeanS2(largeVolumes, maxLag);
            var s2Real = TwoPointCorrelation.Compute(rock, maxLag);
            var pickedBlocks = subBlocks.OrderBy(_ => rng.Next()).Take(nCubes).Select(b => b.Volume.Crop(b.Z, b.Y, b.X, t, t, t)).ToList();
            var subRows = pickedBlocks.Select(Row).ToList();
            Say($"{subRows.Count} sub-blocks of {t}³ analysed");
            var ownCubes = Enumerable.Range(0, nCubes).Select(_ => small.Generate([StandardNormal.Vector(rng, small.Latent)])[0]).ToList();
            var ownRows = ownCubes.Select(Row).ToList();
            var s2Own = Statistics.MeanS2(ownCubes, Math.Min(maxLag, t - 1));
            var realSmallRows = Enumerable.Range(0, nCubes).Select(_ => Row(RealSub(t))).ToList();
            Say($"{nCubes} generated and {nCubes} real {t}³ cubes analysed");
            var sizes = new List<SizedSet> { new(t, realSmallRows, ownRows) };
            if (middle is not null)
            {
                var gMid = Enumerable.Range(0, 2 * n).Select(_ => Row(middle.Generate([StandardNormal.Vector(rng, middle.Latent)])[0])).ToList();
                var rMid = Enumerable.Range(0, 2 * n).Select(_ => Row(RealSub(mid))).ToList();
                sizes.Add(new SizedSet(mid, rMid, gMid));
                Say($"{2 * n} generated and {2 * n} real {mid}³ volumes analysed");
            }
            sizes.Add(new SizedSet(big, realLargeRows, largeRows));

            // conditioning check: real sub-volumes' φ and k as joint targets for a whole generated volume
            var conditioned = new List<ConditionedVolume>();
            var condModel = middle ?? large;
            var condGen = new GanGenerator(condModel);
            for (int i = 0; i < p.GetValue(condition); i++)
            {
                var real = RealSub(condModel.Size);
                var props = forward.Evaluate(real, needs);
                double phi = props.Get("porosity"), k = props.Get("permeability_mD");
                if (!(k > 0)) { Say($"real {condModel.Size}³ sub-volume {i + 1} does not percolate along z: skipped"); continue; }
                var targets = TargetSet.Parse([string.Create(System.Globalization.CultureInfo.InvariantCulture, $"porosity={phi:F4}:0.01;permeability_mD={k:F1}:7.5%")]);
                var chain = new ConditioningChain(p.GetValue(seed) * 1000 + i, targets, condModel.Latent, () => SearchPolicies.Parse("golden"), p.GetValue(budget));
                var trace = ChainRunner.Run(chain, condGen, forward, _ => { });
                var s = chain.State;
                conditioned.Add(new ConditionedVolume(condModel.Size, phi, k, s.Properties.GetValueOrDefault("porosity", double.NaN), s.Properties.GetValueOrDefault("permeability_mD", double.NaN),
                    s.Status == ChainStatus.Succeeded, s.Evaluations, trace.Count > 0 ? trace[^1].ElapsedSeconds : 0));
                Say($"conditioning {i + 1}: target φ {phi:F4} ± 0.01, k {k:F0} mD ± 7.5 % → {s.Status} after {s.Evaluations} evaluations (φ {conditioned[^1].Porosity:F4}, k {conditioned[^1].Permeability:F0} mD)");
            }

            var meta = new Dictionary<string, object?>
            {
                ["model"] = Path.GetFileName(modelPath), ["modelSha256"] = small.Sha256, ["iterations"] = small.Card.Iterations, ["seed"] = p.GetValue(seed),
                ["rock"] = Path.GetFileName(p.GetValue(data)), ["rockShape"] = new[] { rock.Nz, rock.Ny, rock.Nx },
                ["largeVolumeSeconds"] = genSeconds, ["largeVolumeSecondsMedian"] = Statistics.Quantile(genSeconds, 0.5),
                ["postProcessing"] = "3³ median filter, then Otsu, on the whole volume",
            };
            string md = LargeVolumeReport.Write(p.GetValue(output)!, new LargeVolumeReport.Inputs(
                $"Large volumes: {Path.GetFileName(modelPath)} ({small.Card.Iterations} iterations, trained on {t}³) at {big}³ vs {Path.GetFileName(p.GetValue(data))}, seed {p.GetValue(seed)}",
                t, small.Card.VoxelSize, s2Real, s2Large, s2Own, big, RealSub(big), largeVolumes[0], subRows, ownRows, sizes, meta) { Conditioned = conditioned });
            io.Out.WriteLine($"wrote {md}; a {big}³ volume took {Statistics.Quantile(genSeconds, 0.5):F1} s to generate (median of {n})");
            return 0;
        }));
        return cmd;
    }
}
