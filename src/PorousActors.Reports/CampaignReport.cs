using System.Globalization;
using System.Text;

namespace PorousActors.Reports;

/// <summary>One conditioned property of one chain.</summary>
public sealed record TargetOutcome(string Id, string Property, double Target, double Tolerance, double Achieved, bool Within,
    int Evaluations = 0, double Seconds = double.NaN);

/// <summary>
/// Target-vs-achieved scatter plots per property with the tolerance band and the normalised RMSE
/// (RMSE / target range, the paper's Figs. 7–10 metric), plus a Markdown summary.
/// </summary>
public static class CampaignReport
{
    public static IReadOnlyList<string> Write(string dir, IReadOnlyList<TargetOutcome> outcomes)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        var md = new StringBuilder("| property | targets | target range | tolerance | within tolerance | normalised RMSE | evaluations per chain, median [max] | seconds per chain, median |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var g in outcomes.GroupBy(o => o.Property))
        {
            var list = g.ToList();
            var t = list.Select(o => o.Target).ToList();
            var a = list.Select(o => o.Achieved).ToList();
            double nrmse = list.Count > 1 ? Statistics.NormalisedRmse(t, a) : double.NaN;
            double rate = list.Count(o => o.Within) / (double)list.Count;
            var evals = list.Select(o => (double)o.Evaluations).ToList();
            double tol = list.Average(o => o.Tolerance);
            bool oneTolerance = list.All(o => o.Tolerance == list[0].Tolerance);
            md.Append(CultureInfo.InvariantCulture,
                $"| {g.Key} | {list.Count} | {t.Min():G4} – {t.Max():G4} {Units(g.Key)} | {(oneTolerance ? $"±{tol:G3}" : $"±{list.Min(o => o.Tolerance):G3} – {list.Max(o => o.Tolerance):G3} (per chain)")} | {rate:P1} | " +
                $"{(double.IsFinite(nrmse) ? nrmse.ToString("F3", CultureInfo.InvariantCulture) : "—")} | {Statistics.Quantile(evals, 0.5):G3} [{evals.Max():G3}] | " +
                $"{Statistics.Quantile(list.Select(o => o.Seconds).ToList(), 0.5):F1} |\n");

            var plt = TargetPlot(g.Key, list);
            string path = Path.Combine(dir, $"target-vs-achieved-{g.Key}.png");
            plt.SavePng(path, 640, 520);
            files.Add(path);
        }
        File.WriteAllText(Path.Combine(dir, "report.md"), "# Campaign report\n\n" + md + "\n" + string.Join("\n", files.Select(f => $"![{Path.GetFileName(f)}]({Path.GetFileName(f)})")) + "\n");
        return files;
    }

    /// <summary>Achieved against target for one property, each chain's acceptance window as an error bar.</summary>
    public static ScottPlot.Plot TargetPlot(string property, IReadOnlyList<TargetOutcome> list)
    {
        var t = list.Select(o => o.Target).ToList();
        var a = list.Select(o => o.Achieved).ToList();
        double nrmse = list.Count > 1 ? Statistics.NormalisedRmse(t, a) : double.NaN;
        double rate = list.Count(o => o.Within) / (double)list.Count;
        double tol = list.Average(o => o.Tolerance);
        bool oneTolerance = list.All(o => o.Tolerance == list[0].Tolerance);
        var plt = new ScottPlot.Plot();
        // k spans decades: both axes log10. Each chain's own acceptance window is drawn as an
        // error bar around its target (tolerances differ per chain, e.g. relative ones).
        bool log = property.StartsWith("permeability", StringComparison.Ordinal);
        double Tx(double v) => log ? (v > 0 ? Math.Log10(v) : double.NaN) : v;
        var tx = t.Select(Tx).ToArray();
        var ax = a.Select(x => double.IsFinite(x) ? Tx(x) : double.NaN).ToArray();
        var finite = tx.Concat(ax).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double lo = finite.Min(), hi = finite.Max(), pad = (hi - lo) * 0.08 + (log ? 0.1 : list.Max(o => o.Tolerance));
        var line = plt.Add.Line(lo - pad, lo - pad, hi + pad, hi + pad);
        line.LineColor = ScottPlot.Colors.Gray;
        line.LegendText = "achieved = target";
        var window = plt.Add.ErrorBar(tx, tx, list.Select(o => Tx(o.Target) - Tx(Math.Max(o.Target - o.Tolerance, o.Target * 1e-6))).ToArray());
        window.YErrorPositive = list.Select(o => Tx(o.Target + o.Tolerance) - Tx(o.Target)).ToArray();
        window.Color = ScottPlot.Colors.Gray;
        window.LegendText = oneTolerance ? $"± tolerance ({tol:G3})" : "± each chain's tolerance";
        if (log)
        {
            plt.Axes.Bottom.TickGenerator = LogTicks.Generator();
            plt.Axes.Left.TickGenerator = LogTicks.Generator();
        }
        var sc = plt.Add.ScatterPoints(tx, ax);
        sc.LegendText = "chains";
        sc.MarkerSize = 7;
        plt.Title($"{property}: nRMSE {(double.IsFinite(nrmse) ? nrmse.ToString("F3", CultureInfo.InvariantCulture) : "n/a")}, {rate:P0} within tolerance");
        plt.XLabel($"target {Units(property)}{(log ? ", log scale" : "")}");
        plt.YLabel($"achieved {Units(property)}{(log ? ", log scale" : "")}");
        plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plt;
    }

    public static string Units(string property) => Pnm.RockPropertyCatalog.Unit(property);
}
