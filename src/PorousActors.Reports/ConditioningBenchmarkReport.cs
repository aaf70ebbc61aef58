using System.Globalization;
using System.Text;
using System.Text.Json;
using PorousActors.Conditioning.Benchmark;
using PorousActors.Pnm;

namespace PorousActors.Reports;

/// <summary>
/// The conditioning benchmark's report: per target group and method the success rate within the
/// budget, evaluations to success (median, 90th percentile, per success), seconds per realisation
/// and a success-versus-evaluations curve; realism of the properties that were not constrained
/// (KS against real cubes with the nearest value of the constrained one); |z|² of accepted latents
/// against χ²(latent size); and where the real band lies beyond what the generator reaches.
/// </summary>
public static class ConditioningBenchmarkReport
{
    public static string Write(string dir, string title, IReadOnlyList<BenchmarkChain> chains, int budget,
        IReadOnlyList<RockProperties> real, IReadOnlyList<RockProperties> generatedSample,
        IReadOnlyDictionary<string, (double P10, double P90)> bands, IReadOnlyList<string> properties, IReadOnlyDictionary<string, object?> meta)
    {
        Directory.CreateDirectory(dir);
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder($"# {title}\n\n");
        var summary = new Dictionary<string, object?>(meta) { ["budget"] = budget };
        md.Append(inv, $"Evaluation budget per chain: {budget}. Targets: real Berea sub-cubes' 10–90 % band of each property through the same forward model; joint targets are real cubes' own value pairs. Tolerances: τ = 0.0625 (φ), 0.067 (pore diameter), 0.083 (throat diameter) × the band's width, 7.5 % relative for k (log-scale error). Every method runs the same targets with the same chain seeds.\n\n");
        if (meta.GetValueOrDefault("latentPrior") is IReadOnlyDictionary<string, object?> prior && prior["heldOutR2"] is double[] r2 && prior["properties"] is string[] names)
            md.Append(inv, $"Methods marked +prior start and deform within the latent prior {prior["file"]} (fitted once on {prior["draws"]} usable independent draws of this model, not counted in the evaluations below; held-out R² {string.Join(", ", names.Select((n, i) => $"{n} {r2[i]:F2}"))}).\n\n");

        // 1. success and cost
        var groups = chains.Select(c => c.Group).Distinct().ToList();
        var methods = chains.Select(c => c.Method).Distinct().ToList();
        md.Append("| targets | method | chains | success within budget | evaluations to success: median, 90th pct | evaluations per success | forward runs per success | s per realisation |\n|---|---|---|---|---|---|---|---|\n");
        var table = new List<object>();
        foreach (var g in groups)
        {
            foreach (var m in methods)
            {
                var cs = chains.Where(c => c.Group == g && c.Method == m).ToList();
                int ok = cs.Count(c => c.Succeeded);
                // failures count as "more than the budget" for the quantiles
                var evals = cs.Select(c => c.Succeeded ? c.Evaluations : double.PositiveInfinity).ToList();
                double med = Q(evals, 0.5), p90 = Q(evals, 0.9);
                double perSuccess = ok == 0 ? double.PositiveInfinity : cs.Sum(c => c.Evaluations) / (double)ok;
                double runsPerSuccess = ok == 0 ? double.PositiveInfinity : cs.Sum(c => c.ForwardRuns) / (double)ok;
                double secs = ok == 0 ? double.NaN : cs.Sum(c => c.Seconds) / ok;
                md.Append(inv, $"| {g} | {m} | {cs.Count} | {ok}/{cs.Count} ({(double)ok / cs.Count:P0}) | {Fmt(med, budget)}, {Fmt(p90, budget)} | {(double.IsFinite(perSuccess) ? perSuccess.ToString("F1", inv) : "–")} | {(double.IsFinite(runsPerSuccess) ? runsPerSuccess.ToString("F1", inv) : "–")} | {(double.IsFinite(secs) ? secs.ToString("F1", inv) : "–")} |\n");
                table.Add(new { group = g, method = m, chains = cs.Count, succeeded = ok, successRate = (double)ok / cs.Count,
                    medianEvaluations = Finite(med), p90Evaluations = Finite(p90), evaluationsPerSuccess = Finite(perSuccess), forwardRunsPerSuccess = Finite(runsPerSuccess), secondsPerRealisation = Finite(secs) });
            }
            SuccessCurve(Path.Combine(dir, $"success-{Slug(g)}.png"), g, chains.Where(c => c.Group == g).ToList(), budget);
        }
        summary["results"] = table;
        md.Append('\n');
        foreach (var g in groups) md.Append($"![success {g}](success-{Slug(g)}.png) ");
        md.Append("\n\nAn evaluation is a candidate cube; a forward run is one that got the pore network and flow solve. Candidates whose porosity alone shows they cannot meet the targets nor change the chain's course are left without one (the chain takes the same course either way; tested), so with a porosity target the forward runs are fewer than the evaluations.\n\n");
        if (methods.Contains("random"))
        {
            md.Append("Evaluations per success, random sampling ÷ each policy (how many times fewer forward runs the search needs; with failures counted at the budget this is a lower bound when random sampling fails often):\n\n| targets |" + string.Join("", methods.Where(m => m != "random").Select(m => $" {m} |")) + "\n|---|" + string.Join("", methods.Where(m => m != "random").Select(_ => "---|")) + "\n");
            var speed = new Dictionary<string, object?>();
            foreach (var g in groups)
            {
                double Per(string m) { var cs = chains.Where(c => c.Group == g && c.Method == m).ToList(); int ok = cs.Count(c => c.Succeeded); return ok == 0 ? double.PositiveInfinity : cs.Sum(c => c.Evaluations) / (double)ok; }
                double r = Per("random");
                var row = methods.Where(m => m != "random").ToDictionary(m => m, m => r / Per(m));
                speed[g] = row.ToDictionary(kv => kv.Key, kv => Finite(kv.Value));
                md.Append($"| {g} |").Append(string.Join("", row.Values.Select(v => double.IsFinite(v) ? string.Create(inv, $" {v:F1}× |") : " – |"))).Append('\n');
            }
            summary["speedupOverRandom"] = speed;
            md.Append('\n');
        }

        // 2. realism of the unconstrained properties (single targets, first non-random method)
        string main = methods.FirstOrDefault(m => m != "random") ?? methods[0];
        int nPer = chains.Count(c => c.Group == groups[0] && c.Method == main);
        md.Append(string.Create(inv, $"## Realism after conditioning ({main})\n\nFor cubes conditioned on one property, each other property is compared with the real cubes whose value of the conditioned property is nearest to each conditioned cube's (two-sample KS D; at {nPer} vs {nPer} a D above {QualityReport.KsCritical(nPer, nPer):F2} means p < 0.05). \"Real vs real\": the same comparison between those real cubes and a second set of real cubes matched the same way (the next nearest), when there are enough: how far two real samples with the same constrained values differ.\n\n| conditioned on |")).Append( string.Join("", properties.Select(p => $" {p} |")) + "\n|---|" + string.Join("", properties.Select(_ => "---|")) + "\n");
        var realism = new Dictionary<string, object?>();
        foreach (var g in groups.Where(properties.Contains))
        {
            var cs = chains.Where(c => c.Group == g && c.Method == main && c.Accepted is not null).ToList();
            if (cs.Count < 2) continue;
            var pool = real.Where(r => double.IsFinite(r.Get(g))).ToList();
            // for each conditioned cube, the real cube nearest in g still in the pool (taken out of it)
            List<RockProperties> Match() => cs.Select(c =>
            {
                double v = c.Accepted!.Get(g);
                var nearest = pool.MinBy(r => Math.Abs(r.Get(g) - v))!;
                pool.Remove(nearest);
                return nearest;
            }).ToList();
            var matched = Match();
            // the noise floor: a second set of real cubes matched the same way (the next nearest),
            // against the first; empty when the pool is too small for two disjoint sets
            var matched2 = pool.Count >= cs.Count ? Match() : [];
            var row = new Dictionary<string, object?>();
            md.Append($"| {g} |");
            foreach (var p in properties)
            {
                if (p == g) { md.Append(" (conditioned) |"); continue; }
                var (d, pv) = KolmogorovSmirnov.TwoSample(cs.Select(c => c.Accepted!.Get(p)).ToList(), matched.Select(r => r.Get(p)).ToList());
                double? floor = matched2.Count > 1 ? Finite(KolmogorovSmirnov.TwoSample(matched.Select(r => r.Get(p)).ToList(), matched2.Select(r => r.Get(p)).ToList()).D) : null;
                row[p] = new { ksD = Finite(d), p = Finite(pv), ksDRealVsReal = floor };
                md.Append(inv, $" {d:F2} (p {pv:F2}){(floor is { } f ? string.Create(inv, $"; real vs real {f:F2}") : "")} |");
            }
            md.Append('\n');
            realism[g] = row;
        }
        summary["realism"] = realism;

        // 3. latents stay N(0, I)
        var norms = chains.Where(c => c.Method == main).Select(c => c.Latent.Sum(x => (double)x * x)).ToList();
        int dof = chains[0].Latent.Length;
        var (dz, pz) = OneSampleKs(norms, x => MathNet.Numerics.Distributions.ChiSquared.CDF(dof, x));
        md.Append(inv, $"\n|z|² of the {norms.Count} final latents ({main}) against χ²({dof}): mean {norms.Average():F1} (χ² mean {dof}), KS D {dz:F2}, p {pz:F2}.\n\n");
        summary["latentNorm"] = new { n = norms.Count, mean = norms.Average(), dof, ksD = dz, p = pz };

        // 4. coverage: the real band against what the generator produces
        md.Append("## Coverage\n\n| property | real 10–90 % band | generated 1–99 % range | real band beyond the generator |\n|---|---|---|---|\n");
        var coverage = new Dictionary<string, object?>();
        foreach (var (p, band) in bands)
        {
            var gv = generatedSample.Select(r => r.Get(p)).Where(x => double.IsFinite(x) && !(p.StartsWith("permeability") && x <= 0)).ToList();
            double lo = Statistics.Quantile(gv, 0.01), hi = Statistics.Quantile(gv, 0.99);
            double outside = (Math.Max(0, lo - band.P10) + Math.Max(0, band.P90 - hi)) / (band.P90 - band.P10);
            coverage[p] = new { realP10 = band.P10, realP90 = band.P90, generatedP01 = lo, generatedP99 = hi, fractionOfBandOutside = outside };
            md.Append(inv, $"| {p} {CampaignReport.Units(p)} | {band.P10:G4} – {band.P90:G4} | {lo:G4} – {hi:G4} | {outside:P0} |\n");
        }
        summary["coverage"] = coverage;

        Core.IO.CsvTable.Write(Path.Combine(dir, "chains.csv"), ["group", "id", "method", "seed", "targets", "succeeded", "evaluations", "forwardRuns", "seconds", .. properties],
            chains.Select(c => (IReadOnlyList<string>)[c.Group, c.Id, c.Method, c.Seed.ToString(inv), c.Targets, c.Succeeded ? "true" : "false",
                c.Evaluations.ToString(inv), c.ForwardRuns.ToString(inv), c.Seconds.ToString("F3", inv), .. properties.Select(p => c.Accepted is null ? "" : c.Accepted.Get(p).ToString("G9", inv))]));
        File.WriteAllText(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        string path = Path.Combine(dir, "report.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }

    static double? Finite(double x) => double.IsFinite(x) ? x : null;
    static string Fmt(double x, int budget) => double.IsFinite(x) ? x.ToString("F0", CultureInfo.InvariantCulture) : $"> {budget}";
    static string Slug(string g) => g.Replace('+', '-').Replace('_', '-');

    /// <summary>Quantile where +∞ (a failure) sorts last.</summary>
    static double Q(List<double> v, double q)
    {
        var s = v.Order().ToList();
        double pos = q * (s.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(s.Count - 1, lo + 1);
        if (!double.IsFinite(s[hi])) return double.IsFinite(s[lo]) && pos == lo ? s[lo] : double.PositiveInfinity;
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    static (double D, double P) OneSampleKs(IReadOnlyList<double> x, Func<double, double> cdf)
    {
        var s = x.Order().ToArray();
        double d = 0;
        for (int i = 0; i < s.Length; i++)
        {
            double f = cdf(s[i]);
            d = Math.Max(d, Math.Max(Math.Abs((i + 1.0) / s.Length - f), Math.Abs(f - (double)i / s.Length)));
        }
        double en = Math.Sqrt(s.Length);
        return (d, KolmogorovSmirnov.KolmogorovQ((en + 0.12 + 0.11 / en) * d));
    }

    static void SuccessCurve(string path, string group, IReadOnlyList<BenchmarkChain> chains, int budget)
    {
        var plt = new ScottPlot.Plot();
        foreach (var m in chains.Select(c => c.Method).Distinct())
        {
            var cs = chains.Where(c => c.Method == m).ToList();
            var xs = Enumerable.Range(0, budget + 1).Select(b => (double)b).ToArray();
            var ys = xs.Select(b => cs.Count(c => c.Succeeded && c.Evaluations <= b) / (double)cs.Count).ToArray();
            var sc = plt.Add.Scatter(xs, ys);
            sc.LegendText = m; sc.MarkerSize = 0;
        }
        plt.XLabel("forward evaluations spent"); plt.YLabel("fraction of targets reached");
        plt.Title($"success vs evaluations: {group}"); plt.ShowLegend(); plt.Axes.SetLimitsY(0, 1.02);
        plt.SavePng(path, 560, 420);
    }
}
