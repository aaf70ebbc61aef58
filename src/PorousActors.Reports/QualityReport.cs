using System.Globalization;
using System.Text;
using PorousActors.Core;

namespace PorousActors.Reports;

/// <summary>One set of cubes in a quality report: each cube's property row and the cube itself.</summary>
public sealed record QualitySet(string Name, IReadOnlyList<double[]> Rows, IReadOnlyList<Volume> Cubes);

/// <summary>
/// Generated vs training cubes (paper Figs. 2–6, plus the distribution tests the paper lacks): for
/// each property the two-sample Kolmogorov–Smirnov D and p; the two-point correlation S2(r) of the
/// pore phase; corr(φ, k) and corr(φ, log k); the spread of log k; the percolating fraction; mid
/// slices, box plots, correlation maps, the φ–k scatter and the training curve. Writes
/// <c>report.md</c>, <c>summary.json</c> (machine-readable), <c>properties.csv</c> and PNGs.
/// A third, optional set holds the training cubes passed through the generator's own median filter,
/// to tell the generator's errors from the post-processing's.
/// </summary>
public static class QualityReport
{
    /// <summary>Lags of S2 reported (voxels).</summary>
    public const int S2MaxLag = 32;

    /// <param name="properties">names (JSON keys) of the columns of the rows</param>
    /// <param name="filtered">training cubes after the same 3³ median filter the generator's output gets, or null</param>
    /// <param name="curveCsv">the training run's curve.csv, plotted when given</param>
    /// <param name="trainingAgain">a second, independent draw of training cubes, or null: how far two
    /// samples of the real rock differ (the noise floor of every KS D in the report)</param>
    /// <param name="meta">extra fields for summary.json (model, seed, selection)</param>
    public static string Write(string dir, string title, IReadOnlyList<string> properties, QualitySet training, QualitySet generated,
        QualitySet? filtered = null, string? curveCsv = null, IReadOnlyDictionary<string, object?>? meta = null, QualitySet? trainingAgain = null)
    {
        Directory.CreateDirectory(dir);
        var inv = CultureInfo.InvariantCulture;
        var sets = new List<QualitySet> { training, generated };
        if (filtered is not null) sets.Add(filtered);
        Core.IO.CsvTable.Write(Path.Combine(dir, "properties.csv"), ["set", "index", .. properties],
            sets.SelectMany(set => set.Rows.Select((row, i) => (IReadOnlyList<string>)[set.Name, i.ToString(inv), .. row.Select(v => v.ToString("G9", inv))])));

        var summary = new Dictionary<string, object?> { ["title"] = title, ["cubesPerSet"] = training.Rows.Count };
        if (meta is not null) foreach (var (k, v) in meta) summary[k] = v;

        Slices(Path.Combine(dir, "slices.png"), training.Cubes, generated.Cubes);
        var md = new StringBuilder($"# {title}\n\n{training.Rows.Count} training and {generated.Rows.Count} generated cubes");
        if (filtered is not null) md.Append(", and the same training cubes after the paper's 3³ median filter (\"training, filtered\")");
        md.Append(".\n\n![slices](slices.png)\n\n");
        string fcol = filtered is null ? "" : " | KS D, p vs training filtered";
        string acol = trainingAgain is null ? "" : " | KS D, p real vs real";
        md.Append($"| property | training median [IQR] | generated median [IQR] | KS D, p{fcol}{acol} |\n|---|---|---|---|{(filtered is null ? "" : "---|")}{(trainingAgain is null ? "" : "---|")}\n");
        var perProperty = new Dictionary<string, object?>();
        for (int p = 0; p < properties.Count; p++)
        {
            var a = Column(training, p); var b = Column(generated, p);
            var (d, pv) = KolmogorovSmirnov.TwoSample(a, b);
            var entry = new Dictionary<string, object?>
            {
                ["trainingMedian"] = Statistics.Quantile(a, 0.5), ["generatedMedian"] = Statistics.Quantile(b, 0.5),
                ["trainingIqr"] = new[] { Statistics.Quantile(a, 0.25), Statistics.Quantile(a, 0.75) },
                ["generatedIqr"] = new[] { Statistics.Quantile(b, 0.25), Statistics.Quantile(b, 0.75) },
                ["ksD"] = d, ["ksP"] = pv,
            };
            string fcell = "";
            if (filtered is not null)
            {
                var c = Column(filtered, p);
                var (df, pf) = KolmogorovSmirnov.TwoSample(c, b);
                entry["filteredMedian"] = Statistics.Quantile(c, 0.5);
                entry["ksDFiltered"] = df; entry["ksPFiltered"] = pf;
                fcell = string.Create(inv, $" | {df:F2}, {pf:G2}");
            }
            if (trainingAgain is not null)
            {
                var (dr, pr) = KolmogorovSmirnov.TwoSample(a, Column(trainingAgain, p));
                entry["ksDRealVsReal"] = dr; entry["ksPRealVsReal"] = pr;
                fcell += string.Create(inv, $" | {dr:F2}, {pr:G2}");
            }
            perProperty[properties[p]] = entry;
            md.Append(inv, $"| {properties[p]} {CampaignReport.Units(properties[p])} | {Statistics.Quantile(a, 0.5):G4} [{Statistics.Quantile(a, 0.25):G4}, {Statistics.Quantile(a, 0.75):G4}] | {Statistics.Quantile(b, 0.5):G4} [{Statistics.Quantile(b, 0.25):G4}, {Statistics.Quantile(b, 0.75):G4}] | {(d > GeneratorGoals.MaxKsD ? "**" : "")}{d:F2}{(d > GeneratorGoals.MaxKsD ? "**" : "")}, {pv:G2}{fcell} |\n");
            Box(Path.Combine(dir, $"box-{properties[p]}.png"), properties[p], sets.Select(st => (st.Name, Column(st, p))).ToList());
        }
        summary["properties"] = perProperty;
        // one number for screening checkpoints: the largest KS D over the properties the goal names
        double Largest(string key) => GeneratorGoals.KsProperties.Where(properties.Contains).Select(x => ((Dictionary<string, object?>)perProperty[x]!)[key] is double d ? d : 1).DefaultIfEmpty(double.NaN).Max();
        summary["selectionScore"] = Largest("ksD");
        if (trainingAgain is not null) summary["selectionScoreRealVsReal"] = Largest("ksDRealVsReal");
        md.Append(inv, $"\nKS D is the largest gap between the two empirical distributions; at {training.Rows.Count} vs {generated.Rows.Count} cubes a D above {KsCritical(training.Rows.Count, generated.Rows.Count):F2} means p < 0.05 (bold: D > 0.2, the goal).");
        if (trainingAgain is not null)
            md.Append(inv, $" \"Real vs real\" compares the training cubes with {trainingAgain.Rows.Count} other cubes drawn independently from the same rock: what two samples of the real rock differ by (largest over the scored properties: {Largest("ksDRealVsReal"):F2}, against the generator's {Largest("ksD"):F2}).");
        md.Append("\n\n");

        // porosity–permeability and the spread of log k
        int iphi = properties.ToList().IndexOf("porosity"), ik = properties.ToList().IndexOf("permeability_mD");
        if (iphi >= 0 && ik >= 0)
        {
            var flow = new Dictionary<string, object?>();
            md.Append("| statistic | training | generated |" + (filtered is null ? "" : " training filtered |") + "\n|---|---|---|" + (filtered is null ? "" : "---|") + "\n");
            var rows = new List<(string Name, Func<QualitySet, double> F)>
            {
                ("corr(φ, k)", st => Statistics.Pearson(Column(st, iphi), Column(st, ik))),
                ("corr(φ, log k), percolating cubes", st => GeneratorGoals.CorrPhiLogK(st.Rows, iphi, ik)),
                ("SD of log10 k, percolating cubes", st => GeneratorGoals.LogKStd(st.Rows, ik)),
                ("percolating fraction (k > 0 along z)", st => GeneratorGoals.PercolatingFraction(st.Rows, ik)),
            };
            string[] keys = ["corrPhiK", "corrPhiLogK", "log10KStd", "percolatingFraction"];
            for (int r = 0; r < rows.Count; r++)
            {
                var vals = sets.Select(st => rows[r].F(st)).ToArray();
                flow[keys[r]] = sets.Select((st, i) => (st.Name, vals[i])).ToDictionary(x => x.Name, x => (object?)x.Item2);
                md.Append(string.Create(inv, $"| {rows[r].Name} | {vals[0]:F3} | {vals[1]:F3} |")).Append(filtered is null ? "" : string.Create(inv, $" {vals[2]:F3} |")).Append('\n');
            }
            double ratio = GeneratorGoals.LogKStd(generated.Rows, ik) / GeneratorGoals.LogKStd(training.Rows, ik);
            flow["log10KStdRatio"] = ratio;
            summary["flow"] = flow;
            md.Append(inv, $"\nStandard-deviation ratio of log k, generated / training: {ratio:F2}.\n\n![phi-k](porosity-permeability.png)\n\n");
            PhiK(Path.Combine(dir, "porosity-permeability.png"), sets, iphi, ik);
        }

        // how often a draw of 100 vs 100 (the issue's test) would meet the goals, from larger sets
        if (GeneratorGoals.Estimate(training.Rows, generated.Rows, trainingAgain?.Rows, properties) is { } rates)
        {
            summary["goalPassRate"] = new Dictionary<string, object?>
            {
                ["subsetSize"] = rates.SubsetSize, ["draws"] = rates.Draws,
                ["generated"] = rates.Goals.Select((g, i) => (g, rates.Generated[i])).ToDictionary(x => x.g, x => (object?)x.Item2),
                ["realVsReal"] = rates.Goals.Select((g, i) => (g, rates.RealVsReal[i])).ToDictionary(x => x.g, x => (object?)x.Item2),
                ["allGenerated"] = rates.AllGenerated, ["allRealVsReal"] = rates.AllRealVsReal,
            };
            md.Append(inv, $"How often one draw of {rates.SubsetSize} vs {rates.SubsetSize} cubes meets each goal (KS D ≤ {GeneratorGoals.MaxKsD}, |Δ corr(φ, log k)| ≤ {GeneratorGoals.MaxCorrGap}, SD ratio of log k ≥ {GeneratorGoals.MinSdRatio}, percolating fraction within {GeneratorGoals.MaxPercolatingGap}): {rates.Draws} random subsets of these {training.Rows.Count} vs {generated.Rows.Count} cubes, beside two subsets of real cubes (what a perfect generator would score). One draw of 100 decides little: compare these rates, not one draw's D.\n\n| goal | generated vs real | real vs real |\n|---|---|---|\n");
            for (int g = 0; g < rates.Goals.Length; g++) md.Append(inv, $"| {rates.Goals[g]} | {rates.Generated[g]:F2} | {rates.RealVsReal[g]:F2} |\n");
            md.Append(inv, $"| **all** | **{rates.AllGenerated:F2}** | **{rates.AllRealVsReal:F2}** |\n\n");
        }

        // two-point correlation of the pore phase
        var s2 = sets.Select(st => Statistics.MeanS2(st.Cubes, S2MaxLag)).ToList();
        double maxDiff = Statistics.MaxAbsDifference(s2[0], s2[1]);
        var s2Summary = new Dictionary<string, object?> { ["lags"] = Enumerable.Range(0, s2[0].Length).ToArray(), ["maxAbsDifference"] = maxDiff };
        for (int i = 0; i < sets.Count; i++) s2Summary[sets[i].Name] = s2[i];
        if (filtered is not null) s2Summary["maxAbsDifferenceFiltered"] = Statistics.MaxAbsDifference(s2[2], s2[1]);
        summary["s2"] = s2Summary;
        S2Plot(Path.Combine(dir, "s2.png"), sets.Select(st => st.Name).ToList(), s2, training.Cubes[0].VoxelSize);
        md.Append(inv, $"Two-point correlation S2(r) of the pore phase (mean over cubes and the three axes): largest |generated − training| = {maxDiff:F4}");
        if (filtered is not null) md.Append(inv, $" (vs training filtered: {Statistics.MaxAbsDifference(s2[2], s2[1]):F4})");
        md.Append(".\n\n![S2](s2.png)\n\n");

        // lineal path: S2 asks only whether both ends of a segment are pore, L(r) that all of it is,
        // so it sees a pore space cut by thin walls that S2 does not
        var lp = sets.Select(st => Statistics.MeanLinealPath(st.Cubes, S2MaxLag)).ToList();
        if (trainingAgain is not null) lp.Add(Statistics.MeanLinealPath(trainingAgain.Cubes, S2MaxLag));
        double lpDiff = Statistics.MaxAbsDifference(lp[0], lp[1]);
        // relative gap at 10 and 20 voxels (where k's paths run), generated / training; undefined
        // where no training segment of that length is open
        int r10 = Math.Min(10, lp[0].Length - 1), r20 = Math.Min(20, lp[0].Length - 1);
        static double? Ratio(double a, double b) => b > 0 ? a / b : null;
        static string Show(double? r) => r is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "undefined";
        var lpSummary = new Dictionary<string, object?> { ["lengths"] = Enumerable.Range(0, lp[0].Length).ToArray(), ["maxAbsDifference"] = lpDiff,
            ["ratioAt10"] = Ratio(lp[1][r10], lp[0][r10]), ["ratioAt20"] = Ratio(lp[1][r20], lp[0][r20]) };
        for (int i = 0; i < sets.Count; i++) lpSummary[sets[i].Name] = lp[i];
        if (trainingAgain is not null) { lpSummary["training, second draw"] = lp[^1]; lpSummary["ratioAt10RealVsReal"] = Ratio(lp[^1][r10], lp[0][r10]); lpSummary["ratioAt20RealVsReal"] = Ratio(lp[^1][r20], lp[0][r20]); }
        summary["linealPath"] = lpSummary;
        var lpNames = sets.Select(st => st.Name).ToList();
        if (trainingAgain is not null) lpNames.Add("training, second draw");
        CurvePlot(Path.Combine(dir, "lineal-path.png"), lpNames, lp, training.Cubes[0].VoxelSize, "segment length r (µm)", "L(r) (–)", "lineal path of the pore phase: a segment of length r wholly in pore", logY: true);
        md.Append(inv, $"Lineal path L(r) of the pore phase (the chance that a segment of r voxels lies wholly in pore; mean over cubes and the three axes): largest |generated − training| = {lpDiff:F4}; generated / training at {r10} voxels {Show(Ratio(lp[1][r10], lp[0][r10]))}, at {r20} voxels {Show(Ratio(lp[1][r20], lp[0][r20]))}");
        if (trainingAgain is not null) md.Append(inv, $" (second real draw / training: {Show(Ratio(lp[^1][r10], lp[0][r10]))} and {Show(Ratio(lp[^1][r20], lp[0][r20]))})");
        md.Append(".\n\n![lineal path](lineal-path.png)\n\n");

        // stationarity: porosity by plane position (real cubes are cut at random places, so flat)
        var profiles = sets.Select(st => Statistics.MeanPlaneProfiles(st.Cubes)).ToList();
        if (trainingAgain is not null) profiles.Add(Statistics.MeanPlaneProfiles(trainingAgain.Cubes));
        string[] axisNames = ["z", "y", "x"];
        var stationarity = new Dictionary<string, object?>();
        md.Append("Porosity by plane position, mean over the cubes (real cubes are cut at random places from the rock, so their profiles are flat up to sampling noise; a generator whose output depends on where in its cube a voxel lies is not). Spread = standard deviation of the profile about its mean; largest = largest |plane − mean|:\n\n| set | spread z / y / x | largest z / y / x |\n|---|---|---|\n");
        var names = sets.Select(st => st.Name).ToList();
        if (trainingAgain is not null) names.Add(trainingAgain.Name);
        var spreads = profiles.Select(set => set.Select(Statistics.ProfileSpread).ToArray()).ToList();
        for (int i = 0; i < profiles.Count; i++)
        {
            var spread = spreads[i];
            var largest = profiles[i].Select(pr => { double mean = pr.Average(); return pr.Max(v => Math.Abs(v - mean)); }).ToArray();
            stationarity[names[i]] = new Dictionary<string, object?>
            {
                ["spread"] = spread, ["largestDeviation"] = largest, ["profiles"] = axisNames.Select((a, k) => (a, profiles[i][k])).ToDictionary(x => x.a, x => (object?)x.Item2),
            };
            md.Append(inv, $"| {names[i]} | {spread[0]:F4} / {spread[1]:F4} / {spread[2]:F4} | {largest[0]:F3} / {largest[1]:F3} / {largest[2]:F3} |\n");
        }
        summary["planePorosity"] = stationarity;
        // one number each for screening: the largest spread over the three axes
        summary["planePorositySpreadTraining"] = spreads[0].Max();
        summary["planePorositySpreadGenerated"] = spreads[1].Max();
        ProfilePlot(Path.Combine(dir, "plane-porosity.png"), names, profiles);
        md.Append("\n![plane porosity](plane-porosity.png)\n\n");

        md.Append('\n').AppendJoin("\n", properties.Select(p => $"![box {p}](box-{p}.png)")).Append("\n\n");
        Correlation(Path.Combine(dir, "correlation-training.png"), "training", properties, training.Rows);
        Correlation(Path.Combine(dir, "correlation-generated.png"), "generated", properties, generated.Rows);
        md.Append("![correlation training](correlation-training.png) ![correlation generated](correlation-generated.png)\n\n");

        if (curveCsv is not null && File.Exists(curveCsv) && TrainingCurve(curveCsv, Path.Combine(dir, "training-curve.png")))
            md.Append("Training curve (critic's Wasserstein estimate and losses per generator iteration, moving average of 25; the paper's Fig. 11):\n\n![training curve](training-curve.png)\n");

        File.WriteAllText(Path.Combine(dir, "summary.json"), System.Text.Json.JsonSerializer.Serialize(summary, new System.Text.Json.JsonSerializerOptions
        {
            WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        }));
        string mdPath = Path.Combine(dir, "report.md");
        File.WriteAllText(mdPath, md.ToString());
        return mdPath;
    }

    static List<double> Column(QualitySet s, int p) => s.Rows.Select(r => r[p]).ToList();

    /// <summary>The D above which two samples of these sizes differ at p &lt; 0.05.</summary>
    public static double KsCritical(int n, int m) => 1.358 * Math.Sqrt((double)(n + m) / (n * m));


    static void S2Plot(string path, IReadOnlyList<string> names, IReadOnlyList<double[]> s2, double voxel)
    {
        var plt = new ScottPlot.Plot();
        for (int i = 0; i < names.Count; i++)
        {
            var sc = plt.Add.Scatter(Enumerable.Range(0, s2[i].Length).Select(r => r * voxel * 1e6).ToArray(), s2[i]);
            sc.LegendText = names[i];
        }
        plt.XLabel("lag r (µm)"); plt.YLabel("S2(r) (–)"); plt.Title("two-point correlation of the pore phase"); plt.ShowLegend();
        plt.SavePng(path, 640, 480);
    }

    static void CurvePlot(string path, IReadOnlyList<string> names, IReadOnlyList<double[]> curves, double voxel, string xLabel, string yLabel, string title, bool logY)
    {
        var plt = new ScottPlot.Plot();
        for (int i = 0; i < names.Count; i++)
        {
            // r = 0 is 1 by convention and has no place on a log axis
            var xs = Enumerable.Range(1, curves[i].Length - 1).Select(r => r * voxel * 1e6).ToArray();
            var ys = curves[i].Skip(1).Select(y => logY ? Math.Log10(Math.Max(y, 1e-6)) : y).ToArray();
            plt.Add.Scatter(xs, ys).LegendText = names[i];
        }
        if (logY) plt.Axes.Left.TickGenerator = LogTicks.Generator();
        plt.XLabel(xLabel); plt.YLabel(yLabel); plt.Title(title); plt.ShowLegend();
        plt.SavePng(path, 640, 480);
    }

    static void ProfilePlot(string path, IReadOnlyList<string> names, IReadOnlyList<double[][]> profiles)
    {
        var plt = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < names.Count; i++)
            for (int a = 0; a < 3; a++)
            {
                var pr = profiles[i][a];
                var sc = plt.Add.Scatter(Enumerable.Range(0, pr.Length).Select(x => (double)x).ToArray(), pr);
                if (a == 0) sc.LegendText = names[i]; // one entry per set: the line style tells the axis
                sc.Color = palette.GetColor(i);
                sc.MarkerSize = 0;
                sc.LinePattern = a switch { 0 => ScottPlot.LinePattern.Solid, 1 => ScottPlot.LinePattern.Dashed, _ => ScottPlot.LinePattern.Dotted };
            }
        plt.XLabel("plane position in the cube (voxels)"); plt.YLabel("porosity, mean over cubes (–)");
        plt.Title("porosity by plane position: z planes solid, y dashed, x dotted"); plt.ShowLegend(ScottPlot.Edge.Right);
        plt.SavePng(path, 880, 480);
    }

    static void PhiK(string path, IReadOnlyList<QualitySet> sets, int iphi, int ik)
    {
        var plt = new ScottPlot.Plot();
        foreach (var st in sets.Take(2))
        {
            var pts = st.Rows.Where(r => r[ik] > 0).ToList();
            var sc = plt.Add.ScatterPoints(pts.Select(r => r[iphi]).ToArray(), pts.Select(r => Math.Log10(r[ik])).ToArray());
            sc.LegendText = $"{st.Name} (corr(φ, log k) = {Statistics.Pearson(pts.Select(r => r[iphi]).ToList(), pts.Select(r => Math.Log10(r[ik])).ToList()):F2})";
        }
        plt.Axes.Left.TickGenerator = LogTicks.Generator();
        plt.XLabel("porosity (–)"); plt.YLabel("permeability k_z (mD, log scale)"); plt.Title("porosity–permeability"); plt.ShowLegend();
        plt.SavePng(path, 640, 520);
    }

    /// <summary>Plots curve.csv (iteration, critic_loss, generator_loss, wasserstein, …) as moving averages.</summary>
    public static bool TrainingCurve(string csvPath, string pngPath)
    {
        var rows = Core.IO.CsvTable.Read(csvPath).Rows.Select(r => r.Cells)
            .Where(c => c.Length >= 4).Select(c => c.Take(4).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray()).ToList();
        if (rows.Count < 2) return false;
        var it = rows.Select(r => r[0]).ToArray();
        var plt = new ScottPlot.Plot();
        foreach (var (col, name) in new[] { (3, "Wasserstein estimate"), (1, "critic loss"), (2, "generator loss") })
        {
            var sc = plt.Add.Scatter(it, MovingAverage(rows.Select(r => r[col]).ToArray(), 25));
            sc.LegendText = name; sc.MarkerSize = 0;
        }
        plt.XLabel("generator iteration"); plt.YLabel("loss"); plt.Title("WGAN-GP training curve (moving average of 25)"); plt.ShowLegend();
        plt.SavePng(pngPath, 760, 460);
        return true;
    }

    static double[] MovingAverage(double[] x, int w)
    {
        var r = new double[x.Length];
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i];
            if (i >= w) sum -= x[i - w];
            r[i] = sum / Math.Min(i + 1, w);
        }
        return r;
    }

    static void Box(string path, string name, IReadOnlyList<(string Name, List<double> Values)> sets)
    {
        var plt = new ScottPlot.Plot();
        var boxes = new List<ScottPlot.Box>();
        // k spans decades: box it on a log axis (log10 of the positive values, ticks in mD)
        bool log = name.StartsWith("permeability", StringComparison.Ordinal);
        foreach (var (raw, pos) in sets.Select((s, i) => (s.Values, (double)i)))
        {
            var vals = log ? raw.Where(v => v > 0).Select(Math.Log10).ToList() : raw;
            if (!vals.Any(double.IsFinite)) continue;
            boxes.Add(new ScottPlot.Box
            {
                Position = pos,
                BoxMin = Statistics.Quantile(vals, 0.25), BoxMax = Statistics.Quantile(vals, 0.75), BoxMiddle = Statistics.Quantile(vals, 0.5),
                WhiskerMin = Statistics.Quantile(vals, 0), WhiskerMax = Statistics.Quantile(vals, 1),
            });
        }
        plt.Add.Boxes(boxes);
        plt.Axes.Bottom.SetTicks(sets.Select((_, i) => (double)i).ToArray(), sets.Select(s => s.Name).ToArray());
        if (log)
            plt.Axes.Left.TickGenerator = LogTicks.Generator();
        plt.YLabel($"{name} {CampaignReport.Units(name)}{(log ? ", log scale (k > 0)" : "")}");
        plt.Title(name);
        plt.SavePng(path, 420, 420);
    }

    static void Correlation(string path, string set, IReadOnlyList<string> names, IReadOnlyList<double[]> rows)
    {
        int n = names.Count;
        var m = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                m[i, j] = Statistics.Pearson(rows.Select(r => r[i]).ToList(), rows.Select(r => r[j]).ToList());
        var plt = new ScottPlot.Plot();
        var hm = plt.Add.Heatmap(m);
        hm.Colormap = new ScottPlot.Colormaps.Viridis();
        plt.Add.ColorBar(hm);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                var t = plt.Add.Text(double.IsFinite(m[i, j]) ? m[i, j].ToString("F2", CultureInfo.InvariantCulture) : "–", j, n - 1 - i);
                t.Alignment = ScottPlot.Alignment.MiddleCenter;
                t.LabelFontColor = ScottPlot.Colors.White;
            }
        // short symbols: the full keys overlapped on the bottom axis
        var labels = names.Select(Symbol).ToArray();
        plt.Axes.Bottom.SetTicks(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), labels);
        plt.Axes.Left.SetTicks(Enumerable.Range(0, n).Select(i => (double)(n - 1 - i)).ToArray(), labels);
        plt.Title($"Pearson correlation, {set}");
        plt.SavePng(path, 900, 760);
    }

    static string Symbol(string key) => key switch
    {
        "porosity" => "φ",
        "specificSurface_per_m" => "S/V",
        "eulerCharacteristic26" => "χ26",
        "eulerCharacteristic6" => "χ6",
        "permeability_mD" => "k_z",
        "meanPoreDiameter_m" => "d pore",
        "meanThroatDiameter_m" => "d throat",
        _ => key,
    };

    /// <summary>Mid-z slices, training on the top row, generated below (pore white, solid black).</summary>
    static void Slices(string path, IReadOnlyList<Volume> training, IReadOnlyList<Volume> generated)
    {
        int cols = Math.Min(4, Math.Min(training.Count, generated.Count));
        if (cols == 0) return;
        int n = training[0].Ny, gap = 4;
        var img = new double[2 * n + gap, cols * (n + gap) - gap];
        for (int r = 0; r < img.GetLength(0); r++) for (int c = 0; c < img.GetLength(1); c++) img[r, c] = 0.5;
        for (int row = 0; row < 2; row++)
            for (int k = 0; k < cols; k++)
            {
                var v = row == 0 ? training[k] : generated[k];
                int z = v.Nz / 2;
                for (int y = 0; y < Math.Min(n, v.Ny); y++)
                    for (int x = 0; x < Math.Min(n, v.Nx); x++)
                        img[row * (n + gap) + y, k * (n + gap) + x] = v[z, y, x];
            }
        var plt = new ScottPlot.Plot();
        var hm = plt.Add.Heatmap(img);
        hm.Colormap = new ScottPlot.Colormaps.Grayscale();
        plt.Title("mid-z slices; pore = white");
        // row labels in the image itself (heatmap rows run bottom-up)
        foreach (var (label, row) in new[] { ("training", 0), ("generated", 1) })
        {
            var t = plt.Add.Text(label, 1, img.GetLength(0) - 1 - row * (n + gap) - 1);
            t.LabelFontColor = ScottPlot.Colors.Orange;
            t.LabelFontSize = 16;
            t.LabelBold = true;
        }
        plt.Axes.Frameless();
        plt.SavePng(path, 260 * cols, 560);
    }
}

/// <summary>Convergence of a training run: each property's KS D (and the percolating-fraction gap)
/// against the generator iteration, from the summary.json of quality reports of its snapshots.</summary>
public static class ConvergencePlot
{
    public static int Write(IEnumerable<string> summaryFiles, string png, string title)
    {
        var points = new List<(int Iteration, Dictionary<string, double> D)>();
        foreach (var f in summaryFiles)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(f));
            var r = doc.RootElement;
            if (!r.TryGetProperty("iterations", out var it) || !r.TryGetProperty("properties", out var props)) continue;
            var d = new Dictionary<string, double>();
            foreach (var p in props.EnumerateObject()) if (p.Value.TryGetProperty("ksD", out var k) && k.ValueKind == System.Text.Json.JsonValueKind.Number) d[p.Name] = k.GetDouble();
            points.Add((it.GetInt32(), d));
        }
        points.Sort((a, b) => a.Iteration.CompareTo(b.Iteration));
        if (points.Count == 0) return 0;
        var plt = new ScottPlot.Plot();
        foreach (var name in points.SelectMany(p => p.D.Keys).Distinct().Where(n => n != "eulerCharacteristic26"))
        {
            var pts = points.Where(p => p.D.ContainsKey(name)).ToList();
            var sc = plt.Add.Scatter(pts.Select(p => (double)p.Iteration).ToArray(), pts.Select(p => p.D[name]).ToArray());
            sc.LegendText = name;
        }
        var goal = plt.Add.HorizontalLine(GeneratorGoals.MaxKsD); goal.LinePattern = ScottPlot.LinePattern.Dashed; goal.LegendText = $"goal D ≤ {GeneratorGoals.MaxKsD.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        // the legend beside the axes, not over the latest iterations
        plt.XLabel("generator iteration"); plt.YLabel("two-sample KS D vs training cubes"); plt.Title(title); plt.ShowLegend(ScottPlot.Edge.Right);
        plt.SavePng(png, 960, 480);
        return points.Count;
    }
}
