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
            md.Append(CultureInfo.InvariantCulture,
                $"| {g.Key} | {list.Count} | {t.Min():G4} – {t.Max():G4} {Units(g.Key)} | ±{tol:G3} | {rate:P1} | " +
                $"{(double.IsFinite(nrmse) ? nrmse.ToString("F3", CultureInfo.InvariantCulture) : "—")} | {Statistics.Quantile(evals, 0.5):G3} [{evals.Max():G3}] | " +
                $"{Statistics.Quantile(list.Select(o => o.Seconds).ToList(), 0.5):F1} |\n");

            var plt = new ScottPlot.Plot();
            double lo = Math.Min(t.Min(), a.Where(double.IsFinite).DefaultIfEmpty(t.Min()).Min()), hi = Math.Max(t.Max(), a.Where(double.IsFinite).DefaultIfEmpty(t.Max()).Max());
            double pad = (hi - lo) * 0.05 + list.Max(o => o.Tolerance);
            var line = plt.Add.Line(lo - pad, lo - pad, hi + pad, hi + pad);
            line.LineColor = ScottPlot.Colors.Gray;
            line.LegendText = "achieved = target";
            var band1 = plt.Add.Line(lo - pad, lo - pad + tol, hi + pad, hi + pad + tol);
            var band2 = plt.Add.Line(lo - pad, lo - pad - tol, hi + pad, hi + pad - tol);
            band1.LinePattern = band2.LinePattern = ScottPlot.LinePattern.Dashed;
            band1.LineColor = band2.LineColor = ScottPlot.Colors.LightGray;
            band1.LegendText = $"± tolerance ({tol:G3})";
            var sc = plt.Add.ScatterPoints(t.ToArray(), a.Select(x => double.IsFinite(x) ? x : double.NaN).ToArray());
            sc.LegendText = "chains";
            sc.MarkerSize = 7;
            plt.Title($"{g.Key}: normalised RMSE {(double.IsFinite(nrmse) ? nrmse.ToString("F3", CultureInfo.InvariantCulture) : "n/a")}, {rate:P0} within tolerance");
            plt.XLabel($"target {Units(g.Key)}");
            plt.YLabel($"achieved {Units(g.Key)}");
            plt.ShowLegend(ScottPlot.Alignment.UpperLeft);
            string path = Path.Combine(dir, $"target-vs-achieved-{g.Key}.png");
            plt.SavePng(path, 640, 520);
            files.Add(path);
        }
        File.WriteAllText(Path.Combine(dir, "report.md"), "# Campaign report\n\n" + md + "\n" + string.Join("\n", files.Select(f => $"![{Path.GetFileName(f)}]({Path.GetFileName(f)})")) + "\n");
        return files;
    }

    public static string Units(string property) => property switch
    {
        "porosity" => "(–)",
        "specificSurface_per_m" => "(1/m)",
        var p when p.StartsWith("permeability_mD") => "(mD)",
        var p when p.EndsWith("_m") => "(m)",
        _ => "",
    };
}
