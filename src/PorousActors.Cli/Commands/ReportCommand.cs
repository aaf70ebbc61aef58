using System.CommandLine;
using System.Diagnostics;
using PorousActors.Conditioning;
using PorousActors.Core;
using PorousActors.Core.IO;
using PorousActors.Gan;
using PorousActors.Pnm.Flow;

namespace PorousActors.Cli.Commands;

/// <summary><c>porous report gan</c>: generated vs training cubes through the same forward model.</summary>
public static class ReportCommand
{
    // the selection score reads the first six but Euler; the coordination number and k along x are
    // diagnostics (where a k gap comes from: connectivity, or a direction the generator treats apart)
    static readonly string[] Properties = ["porosity", "specificSurface_per_m", "eulerCharacteristic26", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m", "coordinationNumber", "permeability_mD_x"];
    /// <summary>Also a diagnostic: the share of the pore space in face-connected clusters that span z
    /// (connected porosity along z ÷ porosity), i.e. how much of it can carry flow.</summary>
    const string SpanningShare = "spanningPoreFraction_z";
    /// <summary>Also a diagnostic: pore bodies in the cube's SNOW network. A generator can match the
    /// mean pore diameter with too many pores of too even a size (more pores at the same porosity
    /// means smaller regions joined by more, narrower throats), and a term that lowers the Euler
    /// characteristic can do it by merging pores; the count shows both.</summary>
    const string PoreCount = "poreCount";
    static readonly string[] Columns = [.. Properties, SpanningShare, PoreCount];

    public static Command Build(CliIO io)
    {
        var model = new Option<string>("--model") { Description = "Generator model file", Required = true };
        var data = new Option<string[]>("--data") { Description = "Training volume(s)", Required = true, AllowMultipleArgumentsPerToken = true };
        var poreValue = new Option<double?>("--pore-value") { Description = "Pore value of the training images (Berea: 0)" };
        var voxel = VolumeInputOptions.VoxelSizeOption();
        var count = new Option<int>("--count") { Description = "Cubes per set", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { Description = "Seed for latents and training-cube picks", DefaultValueFactory = _ => 1 };
        var curve = new Option<string?>("--curve") { Description = "The training run's curve.csv, plotted as the training curve (default: NAME.curve.csv beside the model, if present)" };
        var threshold = new Option<float?>("--threshold") { Description = "Binarise generated cubes with this fixed threshold on the median-filtered tanh output instead of Otsu's (with --no-median: on the unfiltered output)" };
        var output = new Option<string>("--out") { Description = "Report folder", DefaultValueFactory = _ => "report" };
        var device = DeviceOptions.Create();
        var noMedian = new Option<bool>("--no-median") { Description = "Generated cubes without the 3³ median filter of the model's post-processing (threshold only), to measure what the filter does" };
        var despeckle = new Option<int>("--despeckle") { Description = "After the threshold, remove pore clusters (26-connected) and solid clusters (6-connected) of fewer than N voxels; 0 = none (the model's own post-processing)" };
        var asTrained = new Option<int>("--batch-norm-batch") { Description = "Diagnostic: generate in training mode, in batches of N latents normalised by their own batch statistics, as the critic judged the generator (0 = eval mode with the calibrated statistics, how every command samples)", DefaultValueFactory = _ => 0 };
        var despeckleSolid = new Option<int?>("--despeckle-solid") { Description = "Solid clusters (6-connected) of fewer than N voxels become pore, whatever --despeckle says of the pore clusters; 0 = none" };
        var smooth = new Option<double>("--smooth") { Description = "Gaussian-smooth the generator's tanh output with this σ (voxels) before the threshold; 0 = none" };
        var referenceCache = new Option<string?>("--reference-cache") { Description = "Keep the real cubes' forward-model results in this folder and reuse them when the same data, count, seed and trim come again with the same build (screening many snapshots: ~4x fewer forward runs per report)" };
        var trim = new Option<int>("--trim") { Description = "Analyse only the interior of every cube, generated and real alike: N voxels cut from each face (a diagnostic of what a generator does at its faces; 0 = whole cubes)" };
        var gan = new Command("gan", "Quality report of a generator: N generated and N training sub-cubes through the forward model (porosity, S/V, Euler, permeability along z, mean pore and throat diameters); two-sample KS D and p per property, also against median-filtered training cubes; two-point correlation S2(r); corr(φ, k), corr(φ, log k), spread of log k, percolating fraction; PNG slices, box plots, correlation maps, φ–k scatter, training curve; report.md, summary.json, properties.csv")
            { model, data, poreValue, voxel, count, seed, curve, threshold, noMedian, despeckle, despeckleSolid, smooth, asTrained, trim, referenceCache, output, device };
        gan.SetAction(p => io.Guard(() =>
        {
            int n = p.GetValue(count);
            if (n < 2) throw new BadInputException($"--count must be at least 2, got {n}");
            int cut = p.GetValue(trim);
            if (cut < 0) throw new BadInputException($"--trim must be a number of voxels >= 0, got {cut}");
            if (!(p.GetValue(smooth) >= 0) || double.IsInfinity(p.GetValue(smooth))) throw new BadInputException($"--smooth must be a finite σ ≥ 0 voxels, got {p.GetValue(smooth)}");
            if (p.GetValue(despeckleSolid) < 0) throw new BadInputException($"--despeckle-solid must be ≥ 0 voxels, got {p.GetValue(despeckleSolid)}");
            if (p.GetValue(despeckle) < 0) throw new BadInputException($"--despeckle must be ≥ 0 voxels, got {p.GetValue(despeckle)}");
            using var m = GeneratorModel.Load(p.GetValue(model)!, Devices.One(p.GetValue(device)));
            var volumes = p.GetValue(data)!.Select(f => VolumeInputOptions.ReadRockLike(m, f, p.GetValue(voxel), p.GetValue(poreValue))).ToList();
            if (m.Size - 2 * cut < 16) throw new BadInputException($"--trim {cut} leaves less than 16³ of a {m.Size}³ cube");
            var set = new TrainingData(volumes, m.Size, Math.Max(1, m.Size / 4));
            var rng = new Random(p.GetValue(seed));
            var training = Enumerable.Range(0, n).Select(_ => set.Cube(rng.Next(set.Count))).ToList();
            // a second draw of real cubes from its own stream, so the draws above stay as they were:
            // the noise floor of the comparison
            var againRng = new Random(SeedMixer.Derive(p.GetValue(seed), 2));
            var trainingAgain = Enumerable.Range(0, n).Select(_ => set.Cube(againRng.Next(set.Count))).ToList();
            bool medianOn = !p.GetValue(noMedian) && m.MedianFilter;
            var generated = new List<Volume>();
            int trainBatch = p.GetValue(asTrained);
            if (trainBatch == 1 || trainBatch < 0) throw new BadInputException($"--batch-norm-batch must be 0 or at least 2, got {trainBatch}");
            if (trainBatch == 0)
                for (int i = 0; i < n; i++) generated.Add(m.Generate([StandardNormal.Vector(rng, m.Latent)], p.GetValue(threshold), median: medianOn, despeckle: p.GetValue(despeckle), smooth: p.GetValue(smooth), despeckleSolid: p.GetValue(despeckleSolid))[0]);
            else
                for (int i = 0; i < n; i += trainBatch)
                {
                    var batch = Enumerable.Range(0, trainBatch).Select(_ => StandardNormal.Vector(rng, m.Latent)).ToList();
                    generated.AddRange(m.Generate(batch, p.GetValue(threshold), median: medianOn, despeckle: p.GetValue(despeckle), smooth: p.GetValue(smooth), asTrained: true, despeckleSolid: p.GetValue(despeckleSolid)).Take(n - i));
                }
            if (cut > 0)
            {
                Volume Interior(Volume v) => v.Crop(cut, cut, cut, v.Nz - 2 * cut, v.Ny - 2 * cut, v.Nx - 2 * cut);
                training = training.Select(Interior).ToList();
                trainingAgain = trainingAgain.Select(Interior).ToList();
                generated = generated.Select(Interior).ToList();
            }
            var forward = new PnmForwardModel();
            var needs = new PropertyNeeds(true, [FlowAxis.Z, FlowAxis.X]);
            var sw = Stopwatch.StartNew();
            int done = 0;
            // the real cubes' rows depend only on the data, count, seed and trim: a cache may hold them
            var cache = p.GetValue(referenceCache) is { } cacheDir ? new ReferenceRowsCache(cacheDir) : null;
            string? cacheKey = cache is null ? null : ReferenceRowsCache.Key(p.GetValue(data)!,
                string.Join(',', volumes.Select(v => v.VoxelSize.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + $"|pore {p.GetValue(poreValue)}",
                m.Size, n, p.GetValue(seed), cut, Columns, typeof(PnmForwardModel), typeof(Volume), typeof(TrainingData), typeof(ReportCommand));
            var cached = cache?.TryLoad(cacheKey!, n);
            int total = cached is null ? 4 * n : n;
            using var view = ProgressView.Start(io, cached is null ? "forward model on generated, training, filtered and a second draw of training cubes" : "forward model on generated cubes (training cubes' results from the reference cache)", total);
            double[] Row(Volume v)
            {
                var r = forward.Evaluate(v, needs);
                int k = Interlocked.Increment(ref done);
                if (k % 10 == 0 || k == total) view.Report(k, $"analysed {k}/{total} cubes, {sw.Elapsed.TotalSeconds:F0} s, ETA {sw.Elapsed.TotalSeconds / k * (total - k):F0} s", $"{k}/{total} cubes");
                return [.. Properties.Select(r.Get), r.Porosity > 0 ? Core.Metrics.Porosity.Connected(v, 0) / r.Porosity : 0, r.PoreCount];
            }
            // the training cubes through the paper's post-processing (3³ median, then a threshold:
            // on a binary cube, a majority filter): tells generator errors from post-processing effects
            var filtered = training.Select(MedianFiltered).ToList();
            var tRows = cached?.Training ?? training.Select(Row).ToList();
            var gRows = generated.Select(Row).ToList();
            var fRows = cached?.Filtered ?? filtered.Select(Row).ToList();
            var aRows = cached?.Again ?? trainingAgain.Select(Row).ToList();
            if (cache is not null && cached is null) cache.Save(cacheKey!, new ReferenceRowsCache.Rows(tRows, fRows, aRows));
            string modelPath = p.GetValue(model)!;
            string? curvePath = p.GetValue(curve) ?? Path.ChangeExtension(modelPath, ".curve.csv");
            if (p.GetValue(curve) is { } given && !File.Exists(given)) throw new BadInputException($"{given}: curve file not found");
            // one description of the post-processing, for the title and the summary alike
            float? fixedThreshold = p.GetValue(threshold) ?? m.Card.Threshold; // null: Otsu per cube
            string postProcessing = (p.GetValue(smooth) > 0 ? $"Gaussian σ {p.GetValue(smooth)} voxels, " : "")
                + (medianOn ? "3³ median filter, then threshold" : "threshold only (no median filter)")
                + (fixedThreshold is { } t ? $" at {t}" : " (Otsu)")
                + (p.GetValue(despeckle) > 1 && p.GetValue(despeckleSolid) is null ? $", then clusters under {p.GetValue(despeckle)} voxels removed" : "")
                + (p.GetValue(despeckleSolid) is { } ds ? (p.GetValue(despeckle) > 1 ? $", then pore clusters under {p.GetValue(despeckle)} voxels removed" : "") + (ds > 1 ? $", then solid clusters under {ds} voxels made pore" : "") : "")
                + (trainBatch > 0 ? $"; generated in training mode, batch norm over batches of {trainBatch}" : "")
                + (cut > 0 ? $"; every cube, real and generated, trimmed by {cut} voxels at each face ({m.Size - 2 * cut}³ analysed)" : "")
                + (m.Card.LatentMap is { } lm ? $"; latents through the card's latent map (offset length {lm.OffsetLength:F4}, scale {lm.Scale:F4})" : "");
            var meta = new Dictionary<string, object?>
            {
                ["model"] = Path.GetFileName(modelPath), ["modelSha256"] = m.Sha256, ["iterations"] = m.Card.Iterations, ["emaDecay"] = m.Card.EmaDecay,
                ["seed"] = p.GetValue(seed), ["voxelSize_m"] = m.Card.VoxelSize,
                ["postProcessing"] = postProcessing,
                ["trainingData"] = string.Join(", ", p.GetValue(data)!.Select(Path.GetFileName)),
            };
            string md = Reports.QualityReport.Write(p.GetValue(output)!,
                $"Generator quality: {Path.GetFileName(modelPath)} ({m.Size}³, {m.Card.Iterations} iterations) vs {string.Join(", ", p.GetValue(data)!.Select(Path.GetFileName))}, seed {p.GetValue(seed)}; generated cubes: {postProcessing}",
                Columns, new Reports.QualitySet("training", tRows, training), new Reports.QualitySet("generated", gRows, generated),
                new Reports.QualitySet("training filtered", fRows, filtered), File.Exists(curvePath) ? curvePath : null, meta,
                new Reports.QualitySet("training, second draw", aRows, trainingAgain));
            io.Out.WriteLine($"wrote {md}");
            return 0;
        }));
        var summaries = new Argument<string[]>("SUMMARY") { Description = "summary.json files of `report gan` runs on snapshots of one training run", Arity = ArgumentArity.OneOrMore };
        var png = new Option<string>("--out") { Description = "PNG to write", DefaultValueFactory = _ => "convergence.png" };
        var conv = new Command("convergence", "Convergence curve of a training run: each property's KS D against the iteration, from report gan summaries of its snapshots") { summaries, png };
        conv.SetAction(p => io.Guard(() =>
        {
            var files = p.GetValue(summaries)!;
            foreach (var f in files) if (!File.Exists(f)) throw new BadInputException($"{f}: summary not found");
            int n = Reports.ConvergencePlot.Write(files, p.GetValue(png)!, "convergence: KS D against iteration (sample A)");
            if (n == 0) throw new BadInputException("no summary holds an iteration count and KS statistics");
            io.Out.WriteLine($"wrote {p.GetValue(png)} ({n} snapshots)");
            return 0;
        }));
        return new Command("report", "Reports with figures") { gan, conv, ReportLargeCommand.Build(io) };
    }

    static Volume MedianFiltered(Volume v)
    {
        // the median of 0/1 voxels is itself 0 or 1
        return new Volume(v.Nz, v.Ny, v.Nx, v.VoxelSize, Core.Filters.MedianFilter.Apply3(v.Data, v.Nz, v.Ny, v.Nx));
    }
}
