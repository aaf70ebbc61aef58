namespace PorousActors.Reports;

/// <summary>
/// The generator goals of issue #12, judged on one draw of real and generated cubes (100 vs 100 in
/// the issue): KS D ≤ 0.2 for φ, S/V, k, mean pore and throat diameter; |corr(φ, log k) generated −
/// real| ≤ 0.1; SD ratio of log k ≥ 0.8; percolating fraction within 0.05 of the rock's.
/// At 100 vs 100 each of these moves a lot with the draw alone, so one draw says little about a
/// model: <see cref="Estimate"/> draws many 100-cube subsets from larger sets (a report of 400 vs 400)
/// and gives how often each goal is met, beside how often two draws of the real rock meet it (what a
/// perfect generator would score).
/// </summary>
public static class GeneratorGoals
{
    public const double MaxKsD = 0.2, MaxCorrGap = 0.1, MinSdRatio = 0.8, MaxPercolatingGap = 0.05;
    // D and fractions are ratios of counts: 0.99 − 0.94 is 0.05000000000000004 in doubles, and is within 0.05
    const double Rounding = 1e-9;

    /// <summary>The properties whose KS D the goals bound (JSON keys of the report's rows).</summary>
    public static readonly string[] KsProperties = ["porosity", "specificSurface_per_m", "permeability_mD", "meanPoreDiameter_m", "meanThroatDiameter_m"];

    /// <summary>The goals that can be judged with these properties, in the order <see cref="Met"/> returns them.</summary>
    public static string[] Goals(IReadOnlyList<string> properties)
    {
        var goals = KsProperties.Where(properties.Contains).Select(p => "ksD " + p).ToList();
        if (properties.Contains("porosity") && properties.Contains("permeability_mD"))
            goals.AddRange(["corrPhiLogK", "log10KStdRatio", "percolatingFraction"]);
        return [.. goals];
    }

    /// <summary>Which of <see cref="Goals"/> this draw meets (a goal whose statistic is undefined, e.g. no
    /// percolating cube to take a correlation over, is not met).</summary>
    public static bool[] Met(IReadOnlyList<double[]> real, IReadOnlyList<double[]> generated, IReadOnlyList<string> properties)
    {
        var met = new List<bool>();
        foreach (var p in KsProperties)
        {
            int i = IndexOf(properties, p);
            if (i < 0) continue;
            met.Add(KsMet(KolmogorovSmirnov.TwoSample(real.Select(r => r[i]).ToList(), generated.Select(r => r[i]).ToList()).D));
        }
        int iphi = IndexOf(properties, "porosity"), ik = IndexOf(properties, "permeability_mD");
        if (iphi >= 0 && ik >= 0)
        {
            met.Add(Math.Abs(CorrPhiLogK(generated, iphi, ik) - CorrPhiLogK(real, iphi, ik)) <= MaxCorrGap + Rounding);
            met.Add(LogKStd(generated, ik) / LogKStd(real, ik) >= MinSdRatio - Rounding);
            met.Add(Math.Abs(PercolatingFraction(generated, ik) - PercolatingFraction(real, ik)) <= MaxPercolatingGap + Rounding);
        }
        return [.. met];
    }

    /// <summary>Whether a KS D meets the goal (a D of exactly 0.2 does).</summary>
    public static bool KsMet(double d) => d <= MaxKsD + Rounding;

    /// <summary>corr(φ, log10 k) over the cubes with k &gt; 0.</summary>
    public static double CorrPhiLogK(IReadOnlyList<double[]> rows, int iphi, int ik)
    {
        var pairs = rows.Where(r => r[ik] > 0).ToList();
        return Statistics.Pearson(pairs.Select(r => r[iphi]).ToList(), pairs.Select(r => Math.Log10(r[ik])).ToList());
    }

    /// <summary>Sample standard deviation of log10 k over the cubes with k &gt; 0; NaN below two.</summary>
    public static double LogKStd(IReadOnlyList<double[]> rows, int ik)
    {
        var l = rows.Where(r => r[ik] > 0).Select(r => Math.Log10(r[ik])).ToList();
        if (l.Count < 2) return double.NaN;
        double m = l.Average();
        return Math.Sqrt(l.Sum(x => (x - m) * (x - m)) / (l.Count - 1));
    }

    public static double PercolatingFraction(IReadOnlyList<double[]> rows, int ik) => rows.Count(r => r[ik] > 0) / (double)rows.Count;

    /// <summary>How often draws of <see cref="PassRates.SubsetSize"/> cubes meet each goal.</summary>
    /// <param name="Generated">per goal, the fraction of draws (real subset vs generated subset) meeting it</param>
    /// <param name="RealVsReal">the same for two disjoint subsets of real cubes: a perfect generator's rates</param>
    public sealed record PassRates(int SubsetSize, int Draws, string[] Goals, double[] Generated, double AllGenerated, double[] RealVsReal, double AllRealVsReal);

    /// <summary>
    /// Draws <paramref name="draws"/> times <paramref name="subset"/> real and <paramref name="subset"/>
    /// generated cubes without replacement, and as often two disjoint subsets of real cubes (one from
    /// <paramref name="realAgain"/> when that independent draw is large enough, else both from
    /// <paramref name="real"/>). Null unless the pools hold at least twice the subset: resampling a pool
    /// no larger than the subset only repeats the one result. Subsets of a finite pool vary less than
    /// independent draws (by √((N − n)/(N − 1)): 0.87 for 100 of 400), so the rates lean towards 0 or 1.
    /// </summary>
    public static PassRates? Estimate(IReadOnlyList<double[]> real, IReadOnlyList<double[]> generated, IReadOnlyList<double[]>? realAgain,
        IReadOnlyList<string> properties, int subset = 100, int draws = 1000, int seed = 1)
    {
        if (subset < 2 || real.Count < 2 * subset || generated.Count < 2 * subset) return null;
        var goals = Goals(properties);
        if (goals.Length == 0) return null;
        var rng = new Random(seed);
        var gen = new double[goals.Length]; var floor = new double[goals.Length];
        int allGen = 0, allFloor = 0;
        var realIdx = Enumerable.Range(0, real.Count).ToArray();
        var genIdx = Enumerable.Range(0, generated.Count).ToArray();
        bool again = realAgain is not null && realAgain.Count >= 2 * subset;
        var againIdx = again ? Enumerable.Range(0, realAgain!.Count).ToArray() : [];
        for (int d = 0; d < draws; d++)
        {
            Shuffle(realIdx, subset * 2, rng);
            Shuffle(genIdx, subset, rng);
            var r = realIdx.Take(subset).Select(i => real[i]).ToList();
            Tally(Met(r, genIdx.Take(subset).Select(i => generated[i]).ToList(), properties), gen, ref allGen);
            List<double[]> other;
            if (again) { Shuffle(againIdx, subset, rng); other = againIdx.Take(subset).Select(i => realAgain![i]).ToList(); }
            else other = realIdx.Skip(subset).Take(subset).Select(i => real[i]).ToList();
            Tally(Met(r, other, properties), floor, ref allFloor);
        }
        return new PassRates(subset, draws, goals, gen.Select(x => x / draws).ToArray(), allGen / (double)draws,
            floor.Select(x => x / draws).ToArray(), allFloor / (double)draws);
    }

    static void Tally(bool[] met, double[] counts, ref int all)
    {
        for (int g = 0; g < met.Length; g++) if (met[g]) counts[g]++;
        if (met.All(x => x)) all++;
    }

    /// <summary>Partial Fisher–Yates: the first <paramref name="k"/> entries become a uniform random subset.</summary>
    static void Shuffle(int[] a, int k, Random rng)
    {
        for (int i = 0; i < k && i < a.Length - 1; i++)
        {
            int j = rng.Next(i, a.Length);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }

    static int IndexOf(IReadOnlyList<string> list, string s)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == s) return i;
        return -1;
    }
}
