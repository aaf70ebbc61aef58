using System.Globalization;
using System.Text;
using PorousActors.Core;

namespace PorousActors.Reports;

/// <summary>
/// Generated vs training cubes (paper Figs. 2–6): mid slices side by side, a box plot per property,
/// Pearson correlation maps of the properties for each set, the porosity–permeability scatter,
/// a CSV of every cube's properties and a Markdown summary (φ–k correlation, IQR overlap).
/// </summary>
public static class QualityReport
{
    /// <param name="properties">names (JSON keys) of the columns of <paramref name="training"/> and <paramref name="generated"/></param>
    public static string Write(string dir, IReadOnlyList<string> properties, IReadOnlyList<double[]> training, IReadOnlyList<double[]> generated,
        IReadOnlyList<Volume> trainingCubes, IReadOnlyList<Volume> generatedCubes, string title)
    {
        Directory.CreateDirectory(dir);
        var inv = CultureInfo.InvariantCulture;
        // CSV
        var csv = new StringBuilder("set,index," + string.Join(",", properties) + "\n");
        foreach (var (set, rows) in new[] { ("training", training), ("generated", generated) })
            for (int i = 0; i < rows.Count; i++) csv.Append(set).Append(',').Append(i).Append(',').AppendJoin(",", rows[i].Select(v => v.ToString("G9", inv))).Append('\n');
        File.WriteAllText(Path.Combine(dir, "properties.csv"), csv.ToString());

        Slices(Path.Combine(dir, "slices.png"), trainingCubes, generatedCubes);
        var md = new StringBuilder($"# {title}\n\n{training.Count} training and {generated.Count} generated cubes.\n\n![slices](slices.png)\n\nMid-z slices: training cubes (top row), generated (bottom row); pore = white.\n\n");
        md.Append("| property | training median [IQR] | generated median [IQR] | IQRs overlap |\n|---|---|---|---|\n");
        for (int p = 0; p < properties.Count; p++)
        {
            var a = training.Select(r => r[p]).ToList(); var b = generated.Select(r => r[p]).ToList();
            md.Append(inv, $"| {properties[p]} | {Statistics.Quantile(a, 0.5):G4} [{Statistics.Quantile(a, 0.25):G4}, {Statistics.Quantile(a, 0.75):G4}] | {Statistics.Quantile(b, 0.5):G4} [{Statistics.Quantile(b, 0.25):G4}, {Statistics.Quantile(b, 0.75):G4}] | {(Statistics.IqrOverlap(a, b) ? "yes" : "**no**")} |\n");
            Box(Path.Combine(dir, $"box-{properties[p]}.png"), properties[p], a, b);
        }
        md.Append('\n').AppendJoin("\n", properties.Select(p => $"![box {p}](box-{p}.png)")).Append("\n\n");
        Correlation(Path.Combine(dir, "correlation-training.png"), "training", properties, training);
        Correlation(Path.Combine(dir, "correlation-generated.png"), "generated", properties, generated);
        md.Append("![correlation training](correlation-training.png) ![correlation generated](correlation-generated.png)\n\n");
        int iphi = properties.ToList().IndexOf("porosity"), ik = properties.ToList().IndexOf("permeability_mD");
        if (iphi >= 0 && ik >= 0)
        {
            double rt = Statistics.Pearson(training.Select(r => r[iphi]).ToList(), training.Select(r => r[ik]).ToList());
            double rg = Statistics.Pearson(generated.Select(r => r[iphi]).ToList(), generated.Select(r => r[ik]).ToList());
            md.Append(inv, $"Porosity–permeability Pearson correlation: training {rt:F2}, generated {rg:F2} (paper: 0.78 vs 0.77).\n\n![phi-k](porosity-permeability.png)\n");
            var plt = new ScottPlot.Plot();
            var s1 = plt.Add.ScatterPoints(training.Select(r => r[iphi]).ToArray(), training.Select(r => r[ik]).ToArray()); s1.LegendText = $"training (r = {rt:F2})";
            var s2 = plt.Add.ScatterPoints(generated.Select(r => r[iphi]).ToArray(), generated.Select(r => r[ik]).ToArray()); s2.LegendText = $"generated (r = {rg:F2})";
            plt.XLabel("porosity (–)"); plt.YLabel("permeability (mD)"); plt.Title("porosity–permeability"); plt.ShowLegend();
            plt.SavePng(Path.Combine(dir, "porosity-permeability.png"), 640, 520);
        }
        string mdPath = Path.Combine(dir, "report.md");
        File.WriteAllText(mdPath, md.ToString());
        return mdPath;
    }

    static void Box(string path, string name, IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var plt = new ScottPlot.Plot();
        var boxes = new List<ScottPlot.Box>();
        foreach (var (vals, pos) in new[] { (a, 0.0), (b, 1.0) })
        {
            if (!vals.Any(double.IsFinite)) continue;
            boxes.Add(new ScottPlot.Box
            {
                Position = pos,
                BoxMin = Statistics.Quantile(vals, 0.25), BoxMax = Statistics.Quantile(vals, 0.75), BoxMiddle = Statistics.Quantile(vals, 0.5),
                WhiskerMin = Statistics.Quantile(vals, 0), WhiskerMax = Statistics.Quantile(vals, 1),
            });
        }
        plt.Add.Boxes(boxes);
        plt.Axes.Bottom.SetTicks([0, 1], ["training", "generated"]);
        plt.YLabel($"{name} {CampaignReport.Units(name)}");
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
        plt.Axes.Bottom.SetTicks(Enumerable.Range(0, n).Select(i => (double)i).ToArray(), names.ToArray());
        plt.Axes.Left.SetTicks(Enumerable.Range(0, n).Select(i => (double)(n - 1 - i)).ToArray(), names.ToArray());
        plt.Title($"Pearson correlation, {set}");
        plt.SavePng(path, 900, 760);
    }

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
        plt.Title("mid-z slices: training (top), generated (bottom); pore = white");
        plt.Axes.Frameless();
        plt.SavePng(path, 260 * cols, 560);
    }
}
