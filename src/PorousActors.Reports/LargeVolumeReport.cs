using System.Globalization;
using System.Text;
using PorousActors.Core;

namespace PorousActors.Reports;

/// <summary>A generated volume conditioned on a real sub-volume's porosity and permeability k_z (mD).</summary>
public sealed record ConditionedVolume(int Size, double TargetPorosity, double TargetPermeability, double Porosity, double Permeability, bool Succeeded, int Evaluations, double Seconds);

/// <summary>Rock of one size in a large-volume report: property rows (see <see cref="LargeVolumeReport.Properties"/>).</summary>
public sealed record SizedSet(int Size, IReadOnlyList<double[]> Real, IReadOnlyList<double[]> Generated);

/// <summary>
/// Checks of volumes larger than a generator's training cubes (#18): the two-point correlation S2(r)
/// of large generated volumes out to lags beyond the training size, against the real rock and against
/// the generator's own training-size cubes (seams or periodic artefacts would show there); slices
/// through whole volumes; stationarity (sub-blocks of large volumes against cubes of the training
/// size, KS D per property); and the representative-volume picture (φ and k of real and generated
/// rock as the size grows). Writes <c>report.md</c>, <c>summary.json</c> and PNGs.
/// </summary>
public static class LargeVolumeReport
{
    /// <summary>Columns of every property row.</summary>
    public static readonly string[] Properties = ["porosity", "specificSurface_per_m", "eulerCharacteristic26", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"];

    public sealed record Inputs(
        string Title, int TrainingSize, double VoxelSize,
        double[] S2Real, double[] S2Large, double[] S2TrainingSize, int LargeSize,
        Volume RealSlice, Volume GeneratedSlice,
        IReadOnlyList<double[]> SubBlocks, IReadOnlyList<double[]> TrainingSizeCubes,
        IReadOnlyList<SizedSet> Sizes,
        IReadOnlyDictionary<string, object?> Meta)
    {
        public IReadOnlyList<ConditionedVolume> Conditioned { get; init; } = [];
    }

    public static string Write(string dir, Inputs x)
    {
        Directory.CreateDirectory(dir);
        var inv = CultureInfo.InvariantCulture;
        var summary = new Dictionary<string, object?> { ["title"] = x.Title, ["trainingSize"] = x.TrainingSize, ["largeSize"] = x.LargeSize, ["voxelSize_m"] = x.VoxelSize };
        foreach (var (k, v) in x.Meta) summary[k] = v;
        var md = new StringBuilder($"# {x.Title}\n\n");

        // S2 beyond the training size
        int lags = Math.Min(x.S2Real.Length, x.S2Large.Length);
        double dReal = Statistics.MaxAbsDifference(x.S2Real, x.S2Large);
        int shortLags = Math.Min(lags, x.S2TrainingSize.Length);
        double dOwn = Statistics.MaxAbsDifference(x.S2TrainingSize, x.S2Large);
        double dRealBeyond = lags > x.TrainingSize ? Statistics.MaxAbsDifference(x.S2Real.Skip(x.TrainingSize), x.S2Large.Skip(x.TrainingSize)) : double.NaN;
        summary["s2"] = new Dictionary<string, object?>
        {
            ["lags"] = Enumerable.Range(0, lags).ToArray(), ["real"] = x.S2Real[..lags], ["large"] = x.S2Large[..lags], ["trainingSizeCubes"] = x.S2TrainingSize[..shortLags],
            ["periodicAmplitudeReal"] = Periodic(x.S2Real, lags), ["periodicAmplitudeLarge"] = Periodic(x.S2Large, lags),
            ["maxAbsDifferenceReal"] = dReal, ["maxAbsDifferenceRealBeyondTrainingSize"] = dRealBeyond, ["maxAbsDifferenceTrainingSizeCubes"] = dOwn,
        };
        S2Plot(Path.Combine(dir, "s2-large.png"), x);
        md.Append(inv, $"## Two-point correlation to lag {lags - 1} voxels ({(lags - 1) * x.VoxelSize * 1e6:F0} µm)\n\n");
        md.Append(inv, $"S2(r) of the pore phase, mean over the three axes: generated {x.LargeSize}³ volumes against the real rock, and against the generator's own {x.TrainingSize}³ cubes (lags below {x.TrainingSize}).\n\n");
        md.Append("| comparison | largest \\|ΔS2\\| | goal |\n|---|---|---|\n");
        md.Append(inv, $"| {x.LargeSize}³ generated vs real, all lags | {dReal:F4} | ≤ 0.01 |\n");
        if (double.IsFinite(dRealBeyond)) md.Append(inv, $"| {x.LargeSize}³ generated vs real, lags ≥ {x.TrainingSize} | {dRealBeyond:F4} | ≤ 0.01 |\n");
        md.Append(inv, $"| {x.LargeSize}³ generated vs {x.TrainingSize}³ generated (seams, edges) | {dOwn:F4} | – |\n\n![S2](s2-large.png)\n\n");
        md.Append(inv, $"A period of the latent grid ({Cell} voxels per cell) would show as S2 bumps at multiples of {Cell}: the mean of S2 at lags ≡ 0 (mod {Cell}) minus its mean at lags ≡ {Cell / 2} (mod {Cell}), from lag {2 * Cell} on, is {Periodic(x.S2Large, lags):+0.0000;-0.0000} for the generated volumes and {Periodic(x.S2Real, lags):+0.0000;-0.0000} for the rock.\n\n");
        md.Append(inv, $"S2(0) is the porosity: a porosity offset between the generator and the rock shifts the whole curve, so the first row mixes generator fidelity (issue #12) with what happens beyond the training size; the last row isolates the large volumes.\n\n");

        SliceImage.Write(x.RealSlice, Path.Combine(dir, "slices-real.png"), $"real rock, {x.RealSlice.Nz}³ sub-volume");
        SliceImage.Write(x.GeneratedSlice, Path.Combine(dir, "slices-generated.png"), $"generated, {x.GeneratedSlice.Nz}³ in one pass");
        md.Append("## Slices through whole volumes\n\n![real](slices-real.png)\n\n![generated](slices-generated.png)\n\n");

        // stationarity
        md.Append(inv, $"## Stationarity: {x.TrainingSize}³ sub-blocks of {x.LargeSize}³ volumes against {x.TrainingSize}³ cubes\n\n");
        md.Append(inv, $"{x.SubBlocks.Count} disjoint sub-blocks and {x.TrainingSizeCubes.Count} cubes through the same forward model; at these counts a KS D above {QualityReport.KsCritical(x.SubBlocks.Count, x.TrainingSizeCubes.Count):F2} means p < 0.05.\n\n");
        md.Append("| property | sub-blocks median | cubes median | KS D, p |\n|---|---|---|---|\n");
        var stat = new Dictionary<string, object?>();
        for (int p = 0; p < Properties.Length; p++)
        {
            var a = x.SubBlocks.Select(r => r[p]).ToList(); var b = x.TrainingSizeCubes.Select(r => r[p]).ToList();
            var (d, pv) = KolmogorovSmirnov.TwoSample(a, b);
            stat[Properties[p]] = new Dictionary<string, object?> { ["subBlockMedian"] = Statistics.Quantile(a, 0.5), ["cubeMedian"] = Statistics.Quantile(b, 0.5), ["ksD"] = d, ["ksP"] = pv };
            md.Append(inv, $"| {Properties[p]} {CampaignReport.Units(Properties[p])} | {Statistics.Quantile(a, 0.5):G4} | {Statistics.Quantile(b, 0.5):G4} | {(d > 0.2 ? "**" : "")}{d:F2}{(d > 0.2 ? "**" : "")}, {pv:G2} |\n");
        }
        summary["stationarity"] = stat;

        // representative volume
        md.Append("\n## Porosity and permeability as the volume grows\n\n");
        md.Append("Median [10th, 90th percentile] and the coefficient of variation (CV) of φ and of k_z; k only over percolating volumes; 'percolating' is the fraction with k_z > 0. Real sub-volumes of the sample overlap more as they grow (few positions fit), so their spread at the largest size is a lower bound.\n\n");
        md.Append("| size | set | n | φ median [P10, P90] | CV φ | k_z mD median [P10, P90] | CV k | percolating |\n|---|---|---|---|---|---|---|---|\n");
        var rev = new List<object>();
        foreach (var s in x.Sizes)
            foreach (var (name, rows) in new[] { ("real", s.Real), ("generated", s.Generated) })
            {
                if (rows.Count == 0) continue;
                var phi = rows.Select(r => r[0]).ToList();
                var k = rows.Select(r => r[3]).Where(v => v > 0).ToList();
                double perc = rows.Count(r => r[3] > 0) / (double)rows.Count;
                rev.Add(new Dictionary<string, object?>
                {
                    ["size"] = s.Size, ["set"] = name, ["n"] = rows.Count, ["porosityMedian"] = Statistics.Quantile(phi, 0.5), ["porosityCv"] = Cv(phi),
                    ["permeabilityMedian_mD"] = k.Count > 0 ? Statistics.Quantile(k, 0.5) : null, ["permeabilityCv"] = k.Count > 1 ? Cv(k) : null, ["percolatingFraction"] = perc,
                });
                string kCell = k.Count > 0 ? string.Create(inv, $"{Statistics.Quantile(k, 0.5):F0} [{Statistics.Quantile(k, 0.1):F0}, {Statistics.Quantile(k, 0.9):F0}]") : "–";
                md.Append(inv, $"| {s.Size}³ | {name} | {rows.Count} | {Statistics.Quantile(phi, 0.5):F3} [{Statistics.Quantile(phi, 0.1):F3}, {Statistics.Quantile(phi, 0.9):F3}] | {Cv(phi):F3} | {kCell} | {(k.Count > 1 ? Cv(k).ToString("F2", inv) : "–")} | {perc:F2} |\n");
            }
        summary["representativeVolume"] = rev;
        RevPlot(Path.Combine(dir, "rev.png"), x.Sizes);
        md.Append("\n![REV](rev.png)\n");

        if (x.Conditioned.Count > 0)
        {
            int ok = x.Conditioned.Count(c => c.Succeeded);
            md.Append(inv, $"\n## Conditioning whole {x.Conditioned[0].Size}³ volumes on real sub-volumes\n\n");
            md.Append(inv, $"Joint targets from real {x.Conditioned[0].Size}³ sub-volumes: their porosity ± 0.01 (the paper's tolerance) and k_z ± 7.5 %, gradual deformation of the whole latent grid (golden policy); the forward model runs on the whole volume. {ok} of {x.Conditioned.Count} succeeded.\n\n");
            md.Append("| target φ | target k_z (mD) | achieved φ | achieved k_z (mD) | result | evaluations | seconds |\n|---|---|---|---|---|---|---|\n");
            foreach (var c in x.Conditioned)
                md.Append(inv, $"| {c.TargetPorosity:F4} | {c.TargetPermeability:F0} | {c.Porosity:F4} | {c.Permeability:F0} | {(c.Succeeded ? "within tolerance" : "not reached")} | {c.Evaluations} | {c.Seconds:F0} |\n");
            summary["conditioning"] = x.Conditioned;
        }

        File.WriteAllText(Path.Combine(dir, "summary.json"), System.Text.Json.JsonSerializer.Serialize(summary, new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        }));
        string mdPath = Path.Combine(dir, "report.md");
        File.WriteAllText(mdPath, md.ToString());
        return mdPath;
    }

    const int Cell = 16;

    /// <summary>How much S2 rises at multiples of the latent cell: mean at r ≡ 0 minus mean at r ≡ Cell/2 (mod Cell), r ≥ 2·Cell.</summary>
    static double Periodic(double[] s2, int lags)
    {
        var on = new List<double>(); var off = new List<double>();
        for (int r = 2 * Cell; r < lags; r++)
        {
            if (r % Cell == 0) on.Add(s2[r]);
            else if (r % Cell == Cell / 2) off.Add(s2[r]);
        }
        return on.Count == 0 || off.Count == 0 ? double.NaN : on.Average() - off.Average();
    }

    static double Cv(IReadOnlyList<double> v)
    {
        if (v.Count < 2) return double.NaN;
        double m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Count - 1)) / m;
    }

    static void S2Plot(string path, Inputs x)
    {
        var plt = new ScottPlot.Plot();
        foreach (var (name, s2) in new[] { ("real rock", x.S2Real), ($"generated {x.LargeSize}³", x.S2Large), ($"generated {x.TrainingSize}³ cubes", x.S2TrainingSize) })
        {
            var sc = plt.Add.Scatter(Enumerable.Range(0, s2.Length).Select(r => r * x.VoxelSize * 1e6).ToArray(), s2);
            sc.LegendText = name; sc.MarkerSize = 0;
        }
        var line = plt.Add.VerticalLine(x.TrainingSize * x.VoxelSize * 1e6);
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        line.LegendText = $"training cube edge ({x.TrainingSize} voxels)";
        plt.XLabel("lag r (µm)"); plt.YLabel("S2(r) (–)"); plt.Title("two-point correlation of the pore phase"); plt.ShowLegend();
        plt.SavePng(path, 720, 480);
    }

    static void RevPlot(string path, IReadOnlyList<SizedSet> sizes)
    {
        var plt = new ScottPlot.Plot();
        var real = sizes.Where(s => s.Real.Count > 0).ToList();
        var gen = sizes.Where(s => s.Generated.Count > 0).ToList();
        foreach (var (name, list, pick, offset) in new[] { ("real", real, (Func<SizedSet, IReadOnlyList<double[]>>)(s => s.Real), -0.03), ("generated", gen, s => s.Generated, 0.03) })
        {
            var xs = new List<double>(); var ys = new List<double>();
            foreach (var s in list)
                foreach (var r in pick(s).Where(r => r[3] > 0)) { xs.Add(Math.Log2(s.Size) + offset); ys.Add(Math.Log10(r[3])); }
            var sc = plt.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
            sc.LegendText = name;
        }
        plt.Axes.Left.TickGenerator = LogTicks.Generator();
        plt.Axes.Bottom.SetTicks(sizes.Select(s => Math.Log2(s.Size)).ToArray(), sizes.Select(s => $"{s.Size}³").ToArray());
        plt.XLabel("volume edge (voxels)"); plt.YLabel("permeability k_z (mD, log scale)"); plt.Title("permeability spread against volume size"); plt.ShowLegend();
        plt.SavePng(path, 640, 480);
    }
}
